-- SCIM groups that give access roles (issue 16). A group whose name a
-- group mapping of the single sign-on settings names when the provider
-- first sends it is a role group: it moves nobody between departments; its
-- members are kept here, and they set each member's access role (NULL, in
-- rows restored from before this column, reads as a department).
ALTER TABLE scim_groups ADD COLUMN role_group BOOLEAN;

CREATE TABLE scim_group_members (
    org_id UUID NOT NULL,
    group_id UUID NOT NULL,
    person_id UUID NOT NULL,
    PRIMARY KEY (org_id, group_id, person_id),
    FOREIGN KEY (org_id, group_id) REFERENCES scim_groups (org_id, group_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id)
);
CREATE INDEX scim_group_members_by_person ON scim_group_members (org_id, person_id);
