/** What a form action answers, as pages read it: a refusal names fields; success may carry a message. */
export interface FormFeedback {
	errors?: Record<string, string>;
	message?: string;
	values?: Record<string, unknown>;
	done?: string;
	saved?: string;
	invitation?: { email: string; link: string; expiresAt: string };
	passwordReset?: { name: string; link: string; expiresAt: string; message: string };
}

export function feedback(form: unknown): FormFeedback {
	return (form ?? {}) as FormFeedback;
}
