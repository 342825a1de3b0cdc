package dev.turnout.controlplane.tenant;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the control plane knows of the tenant ACL users on one upstream (server and route credentials), as of its
 * last conversation with it. Immutable. The rules hold password hashes: never logged.
 *
 * @param applied     ACL user name to the rules it was last set with, successfully
 * @param failed      ACL user name to rules the server refused (a namespace with a space): not tried again until
 *                    the user's rules change
 * @param reasons     ACL user name to why the server refused its rules
 * @param refusal     why the server refuses the ACL commands to the route's user (then nothing is applied), or null
 * @param unreachable why the last attempt could not talk to the server (what was applied is kept), or null
 * @param attempted   with {@code unreachable}: the rules of every user that attempt wanted (else empty)
 * @param listed      its ACL users were listed at least once: {@code applied} is what it holds of this control plane's
 */
record UpstreamState(Map<String, List<String>> applied, Map<String, List<String>> failed, Map<String, String> reasons,
                     String refusal, String unreachable, Map<String, List<String>> attempted, boolean listed) {

    /** Never talked to. */
    static final UpstreamState NONE = new UpstreamState(Map.of(), Map.of(), Map.of(), null, null, Map.of(), false);

    UpstreamState {
        applied = Map.copyOf(applied);
        failed = Map.copyOf(failed);
        reasons = Map.copyOf(reasons);
        attempted = Map.copyOf(attempted);
    }

    /** As the server was listed and set just now. */
    static UpstreamState reached(Map<String, List<String>> applied, Map<String, List<String>> failed,
                                 Map<String, String> reasons) {
        return new UpstreamState(applied, failed, reasons, null, null, Map.of(), true);
    }

    /** The server refuses the ACL commands: nothing of ours can be relied on there. */
    static UpstreamState refused(String why) {
        return new UpstreamState(Map.of(), Map.of(), Map.of(), why, null, Map.of(), true);
    }

    /** This state, as it was before the server stopped answering an attempt to put {@code wanted} in place. */
    UpstreamState unreachable(String why, Map<String, TenantAclUser> wanted) {
        return new UpstreamState(applied, failed, reasons, null, why, rulesOf(wanted), listed);
    }

    /**
     * Whether talking to the server now would change nothing, as far as is known: every wanted user is in place (or
     * refused with the same rules), none of ours that is not wanted is left, or the server refuses the ACL commands
     * altogether. A server that did not answer is taken as up to date until something else is wanted of it: trying
     * it again is {@link TenantProvisioner#repair()}'s, not the job of a new desired state that may be a switch's,
     * sent while the fleet is paused.
     */
    boolean upToDate(Map<String, TenantAclUser> wanted) {
        if (unreachable != null) {
            return attempted.equals(rulesOf(wanted));
        }
        if (!listed) {
            return false;
        }
        if (refusal != null) {
            return true;
        }
        if (!wanted.keySet().containsAll(applied.keySet())) {
            return false;
        }
        for (TenantAclUser t : wanted.values()) {
            List<String> rules = t.rules();
            if (!rules.equals(applied.get(t.name())) && !rules.equals(failed.get(t.name()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, List<String>> rulesOf(Map<String, TenantAclUser> wanted) {
        Map<String, List<String>> rules = new java.util.HashMap<>();
        wanted.forEach((name, t) -> rules.put(name, t.rules()));
        return rules;
    }

    /** The names of the wanted users in place here with exactly their rules. */
    Set<String> inSync(Map<String, TenantAclUser> wanted) {
        Set<String> names = new TreeSet<>();
        for (TenantAclUser t : wanted.values()) {
            if (t.rules().equals(applied.get(t.name()))) {
                names.add(t.name());
            }
        }
        return names;
    }

    /** What keeps wanted users from being in place here, or null for nothing known. */
    String problem(Map<String, TenantAclUser> wanted) {
        if (refusal != null) {
            return refusal;
        }
        if (unreachable != null) {
            return "unreachable at the last attempt: " + unreachable;
        }
        StringBuilder b = new StringBuilder();
        reasons.forEach((name, why) -> {
            if (wanted.containsKey(name)) {
                b.append(b.length() == 0 ? "" : "; ").append(why); // names the ACL user
            }
        });
        return b.length() == 0 ? null : b.toString();
    }
}
