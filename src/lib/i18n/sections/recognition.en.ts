// Recognition shared by its features: token scopes and celebration moments; recognition.zh-CN.ts must hold exactly the same keys.
export const recognitionEn = {
	'recognition.tokens.scope.kudosRead': 'Read the kudos feed (GET /api/v1/kudos).',
	'recognition.tokens.scope.kudosWrite': 'Give kudos on behalf of members (POST /api/v1/kudos).',
	'recognition.tokens.scope.badgesRead': 'Read badges and who earned them.',
	'recognition.tokens.scope.coinsRead': 'Read coin balances and their ledgers.'
} as const;
