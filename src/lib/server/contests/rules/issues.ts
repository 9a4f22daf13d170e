// One rule issue: the field to blame (dot path, as in the input body) and a catalog key.
import type { MessageKey, MessageParams } from '$lib/i18n';

export interface RuleIssue {
	path: string;
	message: MessageKey;
	params?: MessageParams;
}

/** The issues as the platform's field issues (for ValidationError), keeping order. */
export function toFieldIssues(issues: readonly RuleIssue[]): { field: string; key: MessageKey; params?: MessageParams }[] {
	return issues.map((issue) => (issue.params === undefined ? { field: issue.path, key: issue.message } : { field: issue.path, key: issue.message, params: issue.params }));
}
