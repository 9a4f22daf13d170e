// Messages of one product area; leaderboard.zh-CN.ts must hold exactly the same keys.
export const leaderboardEn = {} as const;
