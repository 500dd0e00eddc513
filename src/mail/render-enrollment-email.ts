import type { EnrollmentData } from '../store/enrollment.js';

/** The enrollment email a new user receives: plain text, no tracking, a link to the portal. */
export interface RenderedEmail {
  subject: string;
  text: string;
}

export function renderEnrollmentEmail(data: EnrollmentData, publicUrl: string): RenderedEmail {
  const name = data.givenName.trim() !== '' ? data.givenName : (data.displayName ?? data.email);
  return {
    subject: `Your ${data.organizationName} account is ready`,
    text:
      `Hello ${name},\n\n` +
      `${data.organizationName} has given you an account (${data.email}). ` +
      `To finish enrolling, sign in with your work account at:\n\n  ${publicUrl}/\n\n` +
      'If you did not expect this email, you can ignore it.\n',
  };
}
