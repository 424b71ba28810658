package io.hxo.gateway.auth;

/** The two roles of SPEC section 6. An admiral may do everything a captain may. */
public final class Roles {
    public static final String ADMIRAL = "admiral";
    public static final String CAPTAIN = "captain";

    private Roles() {
    }
}
