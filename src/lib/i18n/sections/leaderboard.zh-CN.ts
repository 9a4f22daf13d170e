import type { leaderboardEn } from './leaderboard.en';

export const leaderboardZhCN: Record<keyof typeof leaderboardEn, string> = {};
