package dev.bbm.security;

import jakarta.enterprise.context.RequestScoped;

/** Who sent the current request, set by {@link TokenAuthenticationFilter}. */
@RequestScoped
public class Caller {

    private TokenStore.Principal principal;

    void set(TokenStore.Principal principal) {
        this.principal = principal;
    }

    /** The token's name, for audit trails. */
    public String name() {
        return principal == null ? "anonymous" : principal.name();
    }
}
