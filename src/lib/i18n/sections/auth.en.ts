// Messages of sign-in hardening, passwords, invitations and password resets; auth.zh-CN.ts must hold exactly the same keys.
export const authEn = {
	'auth.busy': 'Podium is busy checking other sign-ins. Try again in a moment.',
	'auth.signup.rateLimited': 'Too many new accounts from your network. Try again in {minutes} minutes.',
	'auth.signup.rateLimited.one': 'Too many new accounts from your network. Try again in {minutes} minute.',

	'validation.passwordLowVariety': '{field} must use at least {min} different characters.',
	'validation.passwordCommon': '{field} is one of the most common passwords. Choose something harder to guess, such as a few unrelated words.',
	'validation.passwordPersonal': '{field} must not be based on your name or e-mail.',

	'fields.currentPassword': 'Current password',
	'fields.newPassword': 'New password',

	'invite.used': 'This invitation was already used.',
	'invite.revoked': 'This invitation was withdrawn.',
	'invite.gone.title': 'This invitation no longer works',
	'invite.gone.help': 'Ask your admin for a new invitation link. If you already joined, just sign in.',
	'invite.signInFirst': 'This e-mail cannot be used for a new account. If you already use Podium with it, sign in to accept.',
	'invite.haveAccount': 'Already use Podium with {email}?',
	'invite.signInToAccept': 'Sign in to accept',
	'invite.signedInAs': 'You are signed in as {email}.',
	'invite.wrongAccount': 'This invitation is for {email}. Sign out, then sign in as {email} to accept it.',

	'welcome.title': 'Welcome to {org}!',
	'welcome.body': 'You are in. Log a call or a meeting to get on the board, and watch it move live.',
	'welcome.dismiss': 'Dismiss',

	'account.password': 'Password',
	'account.password.lead': 'Changing your password signs you out on every other device.',
	'account.password.submit': 'Change password',
	'account.password.changed': 'Password changed. Your other sessions were signed out.',
	'account.password.wrongCurrent': '{field} is not correct.',

	'admin.members.reset': 'Reset password',
	'admin.members.resetLead': 'For someone who forgot theirs: a link that lets them choose a new one. It works once, for 24 hours; give it to them yourself.',
	'admin.members.resetCreated': 'Password reset link for {name}. Pass it on yourself: it works once, for 24 hours, and is shown only now.',
	'admin.members.resetSelf': 'Change your own password on your account page.',
	'admin.members.resetInactive': 'Reactivate this member before resetting their password.',
	'admin.members.resetElsewhere': 'This person also belongs to another organization, so only they can change their password, on their account page.',

	'reset.title': 'Choose a new password',
	'reset.lead': 'For {email}. Setting it signs you out on every device.',
	'reset.submit': 'Set password',
	'reset.invalid': 'This password reset link no longer works: it was used, has expired or is mistyped. Ask your admin for a new one.',

	'audit.password.changed': 'Password changed',
	'audit.password.reset_issued': 'Password reset link issued',
	'audit.password.reset_used': 'Password reset by link'
} as const;
