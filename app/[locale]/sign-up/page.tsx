// The sign-up page (see app/_components/account/auth-page.tsx).
import { AuthPage, type AuthPageProps, authPageMetadata } from "@/app/_components/account/auth-page";

export const generateMetadata = (props: AuthPageProps) => authPageMetadata("sign-up", props);

export default function SignUpPage(props: AuthPageProps) {
  return <AuthPage mode="sign-up" {...props} />;
}
