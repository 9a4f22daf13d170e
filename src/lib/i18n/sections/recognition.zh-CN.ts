// 表彰各功能共用的文案：令牌权限与庆祝时刻；必须与 recognition.en.ts 的键完全一致。
import type { recognitionEn } from './recognition.en';

export const recognitionZhCN: Record<keyof typeof recognitionEn, string> = {
	'recognition.tokens.scope.kudosRead': '读取点赞动态（GET /api/v1/kudos）。',
	'recognition.tokens.scope.kudosWrite': '代表成员点赞（POST /api/v1/kudos）。',
	'recognition.tokens.scope.badgesRead': '读取徽章及获得者。',
	'recognition.tokens.scope.coinsRead': '读取金币余额及明细。'
};
