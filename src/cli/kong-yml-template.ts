// The file `portico config init` writes: a valid, empty declarative configuration whose comments
// show how each kind of entity is declared.
import { KONG_VERSION } from '../core/version.ts';

export const KONG_YML_TEMPLATE = `# ------------------------------------------------------------------------------
# Declarative configuration for Portico (Kong ${KONG_VERSION} compatible).
#
# Use it DB-less: set \`database = off\` and \`declarative_config = /path/to/kong.yml\`
# in kong.conf (or KONG_DATABASE / KONG_DECLARATIVE_CONFIG in the environment).
# Check a file with \`portico config parse kong.yml\`; apply changes to a running
# node with \`portico reload\` or \`POST /config\` on the Admin API.
# ------------------------------------------------------------------------------

# Required: the format of this file.
_format_version: "3.0"

# When true (the default), write transformations run on load, e.g. basic-auth
# passwords are hashed. Exports use false because their values are final.
_transform: true

# Every section below is a list. Uncomment and adapt what you need; an entity may
# omit \`id\`, in which case a stable one is derived from its name.

# services:
#   - name: example-service
#     url: http://upstream.example.internal:8080/api
#     # Routes nested under a service belong to it.
#     routes:
#       - name: example-route
#         paths:
#           - /example
#         methods: [GET, POST]
#         strip_path: true
#     # Plugins nested under a service apply to every route of it.
#     plugins:
#       - name: rate-limiting
#         config:
#           minute: 60
#           policy: local

# consumers:
#   - username: example-user
#     keyauth_credentials:
#       - key: replace-with-a-long-random-key
#     acls:
#       - group: example-group

# Global plugins (no service, route or consumer) apply to every request.
# plugins:
#   - name: correlation-id
#     config:
#       header_name: X-Request-ID

# Load balancing across several targets.
# upstreams:
#   - name: example-upstream
#     algorithm: round-robin
#     targets:
#       - target: 10.0.0.1:8080
#         weight: 100
#       - target: 10.0.0.2:8080
#         weight: 100
`;
