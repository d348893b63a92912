// The sign-in page (see app/_components/account/auth-page.tsx).
import { AuthPage, type AuthPageProps, authPageMetadata } from "@/app/_components/account/auth-page";

export const generateMetadata = (props: AuthPageProps) => authPageMetadata("sign-in", props);

export default function SignInPage(props: AuthPageProps) {
  return <AuthPage mode="sign-in" {...props} />;
}
