# The reference Flask application of /work/shared/seed (Logto's Flask guide),
# written exactly as the guide writes it. The only deviations, needed to run it
# against a Monban started by the test:
#   - endpoint, appId and appSecret come from the environment
#     (MONBAN_ENDPOINT, APP_ID, APP_SECRET) instead of literals;
#   - app.secret_key (Flask's session needs one; the Python SDK's sample sets it);
#   - the /callback route is the one from Logto's Python SDK sample/quick start;
#   - `app.run(port=3000)` at the bottom, so `python seed_app.py` serves
#     http://localhost:3000 (the guide's redirect URI is unchanged).
# seed_app_signup.py is this app with the guide's signUp variant of /sign-in.
import os

from flask import Flask, redirect, request, session
from logto import LogtoClient, LogtoConfig, Storage
from typing import Union

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY", "monban-seed-app-test-secret")


class SessionStorage(Storage):
    def get(self, key: str) -> Union[str, None]:
        return session.get(key, None)

    def set(self, key: str, value: Union[str, None]) -> None:
        session[key] = value

    def delete(self, key: str) -> None:
        session.pop(key, None)


client = LogtoClient(
    LogtoConfig(
        endpoint=os.environ["MONBAN_ENDPOINT"],  # あなたの Logto エンドポイントに置き換えてください
        appId=os.environ["APP_ID"],
        appSecret=os.environ["APP_SECRET"],
    ),
    storage=SessionStorage(),
)


@app.route("/sign-in")
async def sign_in():
    # サインイン URL を取得し、ユーザーをその URL にリダイレクトします
    return redirect(await client.signIn(
        redirectUri="http://localhost:3000/callback",
    ))


@app.route("/callback")
async def callback():
    try:
        await client.handleSignInCallback(request.url)  # Handle a lot of stuff
        return redirect("/")  # Redirect the user to the home page after a successful sign-in
    except Exception as e:
        # Change this to your error handling logic
        return "Error: " + str(e)


@app.route("/sign-out")
async def sign_out():
    return redirect(
        # サインアウトが成功した後、ユーザーをホームページにリダイレクト
        await client.signOut(postLogoutRedirectUri="http://localhost:3000/")
    )


@app.route("/")
async def home():
    if client.isAuthenticated() is False:
        return "認証されていません <a href='/sign-in'>サインイン</a>"
    return "認証されています <a href='/sign-out'>サインアウト</a>"


if __name__ == "__main__":
    app.run(port=3000)
