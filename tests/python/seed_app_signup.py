# seed_app.py with the guide's other /sign-in: "最初の画面にサインアップページを
# 表示したい場合は、interactionMode を signUp に設定できます". Everything else is
# seed_app.py itself (imported, not copied); only the /sign-in view is
# replaced by the guide's second snippet, verbatim. This keeps seed_app.py
# exactly the guide's first variant and adds no switch to it.
from flask import redirect

from seed_app import app, client


async def sign_in():
    return redirect(await client.signIn(
        redirectUri="http://localhost:3000/callback",
        interactionMode="signUp",  # 最初の画面にサインアップページを表示
    ))


app.view_functions["sign_in"] = sign_in

if __name__ == "__main__":
    app.run(port=3000)
