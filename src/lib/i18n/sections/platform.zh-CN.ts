import type { platformEn } from './platform.en';

export const platformZhCN: Record<keyof typeof platformEn, string> = {
	'platform.tabs.jobs': '任务',
	'platform.jobs.title': '定时任务',
	'platform.jobs.intro': 'Podium 在设定时间为本组织和整个系统执行的工作。失败和正在重试的任务排在最前面。',
	'platform.jobs.empty': '暂无任务。',
	'platform.jobs.kind': '任务',
	'platform.jobs.scope': '范围',
	'platform.jobs.scope.system': '系统',
	'platform.jobs.scope.organization': '本组织',
	'platform.jobs.status': '状态',
	'platform.jobs.attempts': '尝试次数',
	'platform.jobs.attemptsOf': '{attempts} / {max}',
	'platform.jobs.nextRun': '下次运行',
	'platform.jobs.lastError': '最近错误',
	'platform.jobs.every': '每 {seconds} 秒',
	'platform.jobs.status.pending': '等待中',
	'platform.jobs.status.running': '运行中',
	'platform.jobs.status.done': '已完成',
	'platform.jobs.status.failed': '失败',
	'platform.jobs.status.retrying': '重试中',
	'platform.jobs.kinds.live.reconcile': '实时榜单修复',
	'platform.jobs.kinds.platform.prune-jobs': '任务记录清理'
};
