import type { coachingEn } from './coaching.en';

// 辅导：图表、个人资料页上的销售代表分析和团队分析。
export const coachingZhCN: Record<keyof typeof coachingEn, string> = {
	'charts.export': '导出',
	'charts.table': '表格',
	'charts.empty': '该时段暂无数据。',

	'coaching.errors.metric': '请选择组织的某个指标，或积分。',
	'coaching.errors.team': '请选择你负责的团队。',

	'coaching.profile.title': '业绩表现',
	'coaching.profile.lead': '数据来自事件日志：这里的每一分都能追溯到它的明细。',
	'coaching.filter.period': '时段',
	'coaching.filter.metric': '指标',
	'coaching.filter.team': '团队',
	'coaching.filter.apply': '查看',
	'coaching.period.month': '本月',
	'coaching.period.quarter': '本季度',
	'coaching.period.year': '今年',
	'coaching.metric.points': '积分',

	'coaching.kpi.total': '本时段至今',
	'coaching.kpi.trend': '与上一时段同期相比',
	'coaching.kpi.trendNone': '上一时段没有可比数据',
	'coaching.kpi.goal': '目标完成度',
	'coaching.kpi.goalOf': '目标 {target}',
	'coaching.kpi.noGoal': '本时段没有目标',
	'coaching.kpi.rank': '本周排名',
	'coaching.kpi.rankOf': '共 {count} 人',
	'coaching.kpi.unranked': '本周尚未上榜',
	'coaching.kpi.activeDays': '近 12 个月活跃天数',
	'coaching.kpi.activities': '{count} 项活动',
	'coaching.kpi.activities.one': '{count} 项活动',

	'coaching.line.title': '{metric}：累计',
	'coaching.line.subtitle': '逐日累计，对比目标进度和上一时段同期',
	'coaching.line.current': '本时段',
	'coaching.line.previous': '上一时段',
	'coaching.line.goal': '目标进度',
	'coaching.line.day': '第 {n} 天',
	'coaching.line.empty': '本时段和上一时段都没有记录。',

	'coaching.bump.title': '每周排名',
	'coaching.bump.team': '团队内按{metric}排名，最近 {count} 周',
	'coaching.bump.org': '全体销售代表按{metric}排名，最近 {count} 周',
	'coaching.bump.team.one': '团队内按{metric}排名，本周',
	'coaching.bump.org.one': '全体销售代表按{metric}排名，本周',
	'coaching.bump.empty': '还没有上榜的周：一周有了积分后才会出现排名。',

	'coaching.calendar.title': '活动日历',
	'coaching.calendar.subtitle': '近 12 个月每天记录的活动数',
	'coaching.calendar.less': '少',
	'coaching.calendar.more': '多',
	'coaching.calendar.empty': '近 12 个月没有活动记录。',

	'coaching.table.day': '日期',
	'coaching.table.value': '当天',
	'coaching.table.total': '累计',
	'coaching.table.previous': '上一时段',
	'coaching.table.goal': '目标进度',
	'coaching.table.week': '周起始',
	'coaching.table.rep': '销售代表',
	'coaching.table.rank': '排名',
	'coaching.table.score': '得分',
	'coaching.table.activities': '活动数'
};
