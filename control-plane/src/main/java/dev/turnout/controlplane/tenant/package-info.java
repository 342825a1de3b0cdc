/**
 * Defence in depth for tenant namespaces: for every proxy user with a namespace, an ACL user on each route's
 * upstream Redis that may only touch the namespace's keys and channels, which the data planes use for that user's
 * commands, so that Redis itself refuses what the proxy's own confinement would have to get wrong to allow.
 *
 * <p>Start with {@link dev.turnout.controlplane.tenant.TenantProvisioner}: it creates and deletes the ACL users and
 * puts their credentials in each snapshot sent to data planes (and on a switch's target, before traffic moves).
 * {@link dev.turnout.controlplane.tenant.TenantAclUser} is one ACL user and its rules;
 * {@link dev.turnout.controlplane.tenant.TenantPasswords} keeps their passwords in the data directory.
 */
package dev.turnout.controlplane.tenant;
