// Messages of one product area; scoring-admin.zh-CN.ts must hold exactly the same keys.
export const scoringAdminEn = {} as const;
