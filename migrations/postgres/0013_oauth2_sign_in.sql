-- OAuth2 sign-in of a consult mailbox (`codedesk mailbox login`): its refresh token, sealed with
-- the secret key (AES-256-GCM, bound to the mailbox), never in clear. `state` is 'signed-in' or
-- 'needs-sign-in' (the provider refused the refresh token for good: the desk stops reading until
-- a new login); `problem` is the provider's error code, never a token.
CREATE TABLE oauth2_sign_in (
    mailbox TEXT PRIMARY KEY,
    desk TEXT NOT NULL,
    state TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    key_id TEXT NOT NULL,
    problem TEXT,
    signed_in_at BIGINT NOT NULL,
    refreshed_at BIGINT,
    access_expires_at BIGINT,
    updated_at BIGINT NOT NULL
);
