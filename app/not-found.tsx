// Reached only for paths the locale proxy does not handle (for example a missing file with
// an extension). Both languages, because no locale is known here.
import "./globals.css";

export default function GlobalNotFound() {
  return (
    <html lang="ko">
      <body>
        <main className="not-found">
          <h1>페이지를 찾을 수 없습니다 · Page not found</h1>
          <p>
            <a href="/ko">코스로 가기</a> · <a href="/en">Go to the course</a>
          </p>
        </main>
      </body>
    </html>
  );
}
