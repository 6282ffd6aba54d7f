/**
 * Projects, API tokens with roles, and who may do what: on when {@code ATTUNE_ADMIN_TOKEN} is set. See
 * docs/security.md.
 */
@NullMarked
package dev.attune.security;

import org.jspecify.annotations.NullMarked;
