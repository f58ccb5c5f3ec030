//! `/scim/v2/Groups`.

use mandate_app::identity::scim as service;

resource_handlers!(
    list: service::list_groups,
    get: service::get_group,
    create: service::create_group,
    replace: service::replace_group,
    patch: service::patch_group,
    delete: service::delete_group
);
