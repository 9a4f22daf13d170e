// Messages of the platform pages (scheduled jobs); platform.zh-CN.ts must hold exactly the same keys.
export const platformEn = {
	'platform.tabs.jobs': 'Jobs',
	'platform.jobs.title': 'Scheduled jobs',
	'platform.jobs.intro':
		'Work Podium does at a set time, for this organization and for the whole system. Failed and retrying jobs are listed first.',
	'platform.jobs.empty': 'No jobs yet.',
	'platform.jobs.kind': 'Job',
	'platform.jobs.scope': 'For',
	'platform.jobs.scope.system': 'System',
	'platform.jobs.scope.organization': 'This organization',
	'platform.jobs.status': 'Status',
	'platform.jobs.attempts': 'Attempts',
	'platform.jobs.attemptsOf': '{attempts} of {max}',
	'platform.jobs.nextRun': 'Next run',
	'platform.jobs.lastError': 'Last error',
	'platform.jobs.every': 'Every {seconds} s',
	'platform.jobs.status.pending': 'Waiting',
	'platform.jobs.status.running': 'Running',
	'platform.jobs.status.done': 'Done',
	'platform.jobs.status.failed': 'Failed',
	'platform.jobs.status.retrying': 'Retrying',
	'platform.jobs.kinds.live.reconcile': 'Live board repair',
	'platform.jobs.kinds.platform.prune-jobs': 'Job history clean-up'
} as const;
