"""Drives Logto's Python SDK (logto on PyPI, unchanged) beyond what the seed
Flask app uses: ID token claims, userinfo, an access token for an API
resource, a forced refresh, the sign-out URL. tests/clients runs it and plays
the browser:

  1. this prints one JSON line {"authUrl": ...} (from client.signIn);
  2. the Go test signs in at Monban and writes the callback URL on stdin;
  3. this finishes and prints one JSON line with what it observed (or
     {"error", "step"} and exits 1).

Environment: MONBAN_ENDPOINT, APP_ID, APP_SECRET, RESOURCE.
"""

import asyncio
import base64
import json
import os
import sys
import traceback

from logto import LogtoClient, LogtoConfig, Storage

REDIRECT_URI = "http://localhost:3000/callback"
POST_LOGOUT_REDIRECT_URI = "http://localhost:3000/"


class DictStorage(Storage):
    """In-memory storage (the SDK's MemoryStorage prints a warning on stdout)."""

    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value):
        self.data[key] = value

    def delete(self, key):
        self.data.pop(key, None)


def jwt_parts(token):
    parts = (token or "").split(".")
    if len(parts) != 3:
        return {"opaque": True}

    def dec(s):
        return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))

    return {"header": dec(parts[0]), "payload": dec(parts[1])}


async def main(out):
    resource = os.environ["RESOURCE"]
    storage = DictStorage()
    client = LogtoClient(
        LogtoConfig(
            endpoint=os.environ["MONBAN_ENDPOINT"],
            appId=os.environ["APP_ID"],
            appSecret=os.environ["APP_SECRET"],
            resources=[resource],
            scopes=["email"],
        ),
        storage=storage,
    )

    out["step"] = "signIn"
    print(json.dumps({"authUrl": await client.signIn(redirectUri=REDIRECT_URI)}), flush=True)
    callback = sys.stdin.readline().strip()

    out["step"] = "handleSignInCallback"
    await client.handleSignInCallback(callback)
    out["isAuthenticated"] = client.isAuthenticated()

    out["step"] = "getIdTokenClaims"
    out["idTokenClaims"] = client.getIdTokenClaims().model_dump(exclude_none=False)
    out["idTokenHeader"] = jwt_parts(client.getIdToken())["header"]

    out["step"] = "fetchUserInfo"
    out["userinfo"] = (await client.fetchUserInfo()).model_dump()

    out["step"] = "getAccessToken(resource)"
    refresh0 = client.getRefreshToken()
    api_token = await client.getAccessToken(resource)
    out["resourceAccessToken"] = jwt_parts(api_token)
    out["resourceAccessTokenClaims"] = (await client.getAccessTokenClaims(resource)).model_dump()
    refresh1 = client.getRefreshToken()

    out["step"] = "forcedRefresh"
    # Forget the cached access tokens (the SDK's storage key accessTokenMap):
    # the next getAccessToken() must use the refresh token.
    id_before = client.getIdToken()
    storage.delete("accessTokenMap")
    fresh = await client.getAccessToken()
    refresh2 = client.getRefreshToken()
    out["refresh"] = {
        "gotAccessToken": bool(fresh),
        "newAccessTokenOpaque": jwt_parts(fresh).get("opaque", False),
        "rotatedOnResourceGrant": bool(refresh1) and refresh1 != refresh0,
        "rotatedOnForcedRefresh": bool(refresh2) and refresh2 != refresh1,
        "idTokenReplaced": client.getIdToken() != id_before,
    }
    out["userinfoAfterRefresh"] = (await client.fetchUserInfo()).model_dump()

    out["step"] = "signOut"
    out["signOutUrl"] = await client.signOut(postLogoutRedirectUri=POST_LOGOUT_REDIRECT_URI)
    out["isAuthenticatedAfterSignOut"] = client.isAuthenticated()
    del out["step"]


if __name__ == "__main__":
    report = {"sdk": "logto (Python)"}
    try:
        asyncio.run(main(report))
    except Exception as e:  # report every failure as JSON for the Go test
        report["error"] = f"{type(e).__name__}: {e}"
        report["traceback"] = traceback.format_exc()
        print(json.dumps(report, default=str), flush=True)
        sys.exit(1)
    print(json.dumps(report, default=str), flush=True)
