#pragma once

// The examples of the reference (../shared/reference/user-cli-reference.md), verbatim, for the
// tests that must reproduce them. tests/fuzz/make_corpus.py reads kReferenceUsersFile from here
// (keep each a `kName[] = R"(...)"` literal).
namespace rolecall::testing {

// `anyscale user batch-create --users-file users.yaml`: the file.
inline constexpr char kReferenceUsersFile[] = R"(create_users:
  - name: name1
    email: test1@anyscale.com
    password: ''
    is_sso_user: false
    lastname: lastname1
    title: title1
  - name: name2
    email: test2@anyscale.com
    password: ''
    is_sso_user: false
    lastname: lastname2
    title: title2
)";

// `anyscale user get --email owner@anyscale.com --json`.
inline constexpr char kReferenceGetJson[] = R"({
  "name": "Owner Name",
  "email": "owner@anyscale.com",
  "created_at": "2024-01-01T12:00:00+00:00",
  "permission_level": "owner",
  "user_id": "usr_owner"
}
)";

// `anyscale user list-permissions`, the first example.
inline constexpr char kReferenceListPermissionsJson[] = R"({
  "organization_id": "org_p72",
  "org_owners": [
    {
      "user_email": "admin1@p72.com",
      "user_id": "usr_aaa"
    }
  ],
  "users": [
    {
      "clouds": [
        {
          "cloud_id": "cld_111",
          "cloud_name": "prod-cloud",
          "role": "collaborator",
          "projects": [
            {
              "project_id": "prj_111",
              "project_name": "prod-project",
              "role": "readonly"
            }
          ]
        }
      ],
      "user_email": "alice@p72.com",
      "user_id": "usr_abc"
    }
  ]
}
)";

}  // namespace rolecall::testing
