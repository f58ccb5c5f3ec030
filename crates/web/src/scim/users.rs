//! `/scim/v2/Users`.

use mandate_app::identity::scim as service;

resource_handlers!(
    list: service::list_users,
    get: service::get_user,
    create: service::create_user,
    replace: service::replace_user,
    patch: service::patch_user,
    delete: service::delete_user
);
