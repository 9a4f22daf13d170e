// The demo organization's training: two published courses with quizzes, assigned by the team leaders
// with due days around today, so that every state shows at once: not started, in progress, completed
// (with its quiz attempts and its points, an event of the training metric keyed
// 'training:<course>:<member>' as a live completion writes it) and overdue, plus one personal
// development plan. Written in the seeding transaction, relative to `now`, in the organization's zone.
import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { insertEvents, type NewScoreEvent } from '../scoring/event.repository';
import { ensureSystemMetric } from '../scoring/metric.repository';
import { periodOf } from '../../shared/time-windows';
import { checkQuiz, type Quiz } from '../../shared/training/quiz';
import { TRAINING_METRIC } from '../../shared/training/training';
import { insertAttempt, insertCompletion, insertCourse, insertModule, markModuleDone, trainingRoster, upsertAssignments } from './training.repository';

const DAY = 24 * 3600_000;

function quiz(draft: unknown): Quiz {
	const checked = checkQuiz(draft);
	if (!checked.ok) throw new Error(`demo quiz is not valid: ${JSON.stringify(checked.issues)}`);
	return checked.quiz;
}

const DISCOVERY = {
	title: { en: 'Discovery calls that close', 'zh-CN': '能成交的需求挖掘电话' },
	description: { en: 'Open with curiosity, find the pain, agree the next step.', 'zh-CN': '以好奇开场，找到痛点，约定下一步。' },
	points: 150,
	modules: [
		{
			title: { en: 'Open with curiosity', 'zh-CN': '以好奇开场' },
			body: {
				en: '## Why discovery matters\n\nA great discovery call is **80% listening**. Before you pitch anything, understand:\n\n1. What the customer is trying to achieve\n2. What stands in the way\n3. What happens if nothing changes\n\n> Ask open questions: *“Walk me through how you do this today.”*',
				'zh-CN': '## 为什么需求挖掘很重要\n\n一通出色的需求挖掘电话 **80% 在倾听**。在介绍任何产品之前，先弄清楚：\n\n1. 客户想达成什么\n2. 是什么阻碍了他们\n3. 如果什么都不改变会怎样\n\n> 多问开放式问题：*“能带我看看你们现在是怎么做的吗？”*'
			},
			videoUrl: 'https://www.youtube.com/watch?v=Ks-_Mh1QhMc',
			quiz: null
		},
		{
			title: { en: 'Find the pain', 'zh-CN': '找到痛点' },
			body: {
				en: 'Dig one level deeper on every answer:\n\n- *“What does that cost you each month?”*\n- *“Who else feels this?”*\n- *“What have you tried so far?”*\n\nWrite the customer’s words down **exactly**: you will use them in the proposal.',
				'zh-CN': '对每个回答再深挖一层：\n\n- *“这每个月给你们带来多少成本？”*\n- *“还有谁受到影响？”*\n- *“你们之前尝试过什么？”*\n\n把客户的原话 **一字不差** 记下来：写方案时会用到。'
			},
			videoUrl: null,
			quiz: null
		},
		{
			title: { en: 'Check yourself', 'zh-CN': '自我检测' },
			body: { en: 'Three questions on what you learned. You need two right to pass.', 'zh-CN': '三道题检验所学内容，答对两道即可通过。' },
			videoUrl: null,
			quiz: quiz({
				passMark: 66,
				maxAttempts: 3,
				questions: [
					{
						kind: 'single',
						prompt: { en: 'How much of a discovery call should be listening?', 'zh-CN': '需求挖掘电话中应有多少时间在倾听？' },
						options: [
							{ text: { en: 'About 20%', 'zh-CN': '约 20%' }, correct: false },
							{ text: { en: 'About 50%', 'zh-CN': '约 50%' }, correct: false },
							{ text: { en: 'About 80%', 'zh-CN': '约 80%' }, correct: true }
						]
					},
					{
						kind: 'multiple',
						prompt: { en: 'Which are good discovery questions?', 'zh-CN': '以下哪些是好的需求挖掘问题？' },
						options: [
							{ text: { en: '“Walk me through how you do this today.”', 'zh-CN': '“能带我看看你们现在是怎么做的吗？”' }, correct: true },
							{ text: { en: '“Can I show you our pricing?”', 'zh-CN': '“我可以给您看看我们的报价吗？”' }, correct: false },
							{ text: { en: '“What have you tried so far?”', 'zh-CN': '“你们之前尝试过什么？”' }, correct: true }
						]
					},
					{
						kind: 'single',
						prompt: { en: 'How should you note the customer’s pain?', 'zh-CN': '应该如何记录客户的痛点？' },
						options: [
							{ text: { en: 'In their exact words', 'zh-CN': '用客户的原话' }, correct: true },
							{ text: { en: 'As a short summary in our jargon', 'zh-CN': '用我们的行话简单概括' }, correct: false }
						]
					}
				]
			})
		}
	]
};

const PRODUCT = {
	title: { en: 'Know the product: Podium Cloud', 'zh-CN': '产品知识：Podium 云' },
	description: { en: 'The three plans, who they are for, and how to price them.', 'zh-CN': '三种套餐、适用客户以及定价方式。' },
	points: 100,
	modules: [
		{
			title: { en: 'Plans at a glance', 'zh-CN': '套餐一览' },
			body: {
				en: '| Plan | For | Seats |\n| --- | --- | --- |\n| Starter | Small teams | up to 10 |\n| Growth | Scaling teams | up to 100 |\n| Enterprise | Large organizations | unlimited |\n\nEvery plan includes **live leaderboards**; Enterprise adds single sign-on and audit export.',
				'zh-CN': '| 套餐 | 适用 | 席位 |\n| --- | --- | --- |\n| 入门版 | 小团队 | 最多 10 个 |\n| 成长版 | 成长中的团队 | 最多 100 个 |\n| 企业版 | 大型组织 | 不限 |\n\n所有套餐都包含 **实时排行榜**；企业版另含单点登录和审计导出。'
			},
			videoUrl: null,
			quiz: null
		},
		{
			title: { en: 'Product quiz', 'zh-CN': '产品测验' },
			body: { en: 'Four questions. You need three right, and you have two attempts.', 'zh-CN': '共四道题，答对三道即可通过，共有两次机会。' },
			videoUrl: null,
			quiz: quiz({
				passMark: 75,
				maxAttempts: 2,
				questions: [
					{
						kind: 'single',
						prompt: { en: 'Which plan has unlimited seats?', 'zh-CN': '哪个套餐席位不限？' },
						options: [
							{ text: { en: 'Starter', 'zh-CN': '入门版' }, correct: false },
							{ text: { en: 'Growth', 'zh-CN': '成长版' }, correct: false },
							{ text: { en: 'Enterprise', 'zh-CN': '企业版' }, correct: true }
						]
					},
					{
						kind: 'single',
						prompt: { en: 'Up to how many seats does Growth include?', 'zh-CN': '成长版最多包含多少席位？' },
						options: [
							{ text: { en: '10', 'zh-CN': '10' }, correct: false },
							{ text: { en: '100', 'zh-CN': '100' }, correct: true },
							{ text: { en: '1,000', 'zh-CN': '1,000' }, correct: false }
						]
					},
					{
						kind: 'multiple',
						prompt: { en: 'What does Enterprise add?', 'zh-CN': '企业版额外提供什么？' },
						options: [
							{ text: { en: 'Single sign-on', 'zh-CN': '单点登录' }, correct: true },
							{ text: { en: 'Audit export', 'zh-CN': '审计导出' }, correct: true },
							{ text: { en: 'Live leaderboards', 'zh-CN': '实时排行榜' }, correct: false }
						]
					},
					{
						kind: 'single',
						prompt: { en: 'Do all plans include live leaderboards?', 'zh-CN': '所有套餐都包含实时排行榜吗？' },
						options: [
							{ text: { en: 'Yes', 'zh-CN': '是' }, correct: true },
							{ text: { en: 'No', 'zh-CN': '否' }, correct: false }
						]
					}
				]
			})
		}
	]
};

/** The right answers of a quiz (a demo member who passed), or one wrong (one who did not). */
function answersFor(q: Quiz, right: boolean): Record<string, string[]> {
	return Object.fromEntries(q.questions.map((question, i) => [question.id, right || i > 0 ? question.correct : question.options.filter((o) => !question.correct.includes(o.id)).slice(0, 1).map((o) => o.id)]));
}

type State = 'not_started' | 'in_progress' | 'completed';

export async function seedDemoTraining(db: Db, organizationId: string, adminId: string, now: Date, timeZone: string): Promise<void> {
	const roster = await trainingRoster(db, organizationId);
	const byName = new Map(roster.map((m) => [m.name, m]));
	const clock = { timeZone, weekStart: 1 };
	const day = (offset: number) => periodOf('day', now.getTime() + offset * DAY, clock).key;
	const courses = [];
	for (const spec of [DISCOVERY, PRODUCT]) {
		const id = await insertCourse(db, { organizationId, title: spec.title, description: spec.description, points: spec.points, createdBy: adminId, status: 'published', publishedAt: new Date(now.getTime() - 20 * DAY), createdAt: new Date(now.getTime() - 21 * DAY) });
		const modules = [];
		for (const m of spec.modules) modules.push({ id: await insertModule(db, { organizationId, courseId: id, title: m.title, body: m.body, videoUrl: m.videoUrl, quiz: m.quiz }), quiz: m.quiz });
		courses.push({ id, spec, modules });
	}
	const [discovery, product] = courses;
	const metricId = await ensureSystemMetric(db, organizationId, TRAINING_METRIC, { en: 'Training', 'zh-CN': '培训' });
	const events: NewScoreEvent[] = [];
	// Who, which course, due when (days from today), in which state; the leader of their team assigned it.
	const plan: { name: string; course: (typeof courses)[number]; due: number; state: State; failedOnce?: boolean; note?: string; dev?: boolean }[] = [
		{ name: 'Ada Lovelace', course: discovery, due: 5, state: 'in_progress' },
		{ name: 'Ada Lovelace', course: product, due: 9, state: 'not_started' },
		{ name: 'Wang Fang', course: discovery, due: 2, state: 'completed' },
		{ name: 'Marcus Reed', course: discovery, due: -2, state: 'not_started' },
		{ name: 'Priya Natarajan', course: discovery, due: -1, state: 'in_progress', failedOnce: true },
		{ name: 'Chen Jing', course: product, due: 3, state: 'completed', failedOnce: true },
		{ name: 'Lucas Moreau', course: discovery, due: 12, state: 'not_started', note: 'Work on open questions before the Q1 push.', dev: true },
		{ name: 'Sofia Rossi', course: product, due: 0, state: 'not_started' },
		{ name: 'Emma Clarke', course: product, due: 4, state: 'in_progress' },
		{ name: 'Zhang Wei', course: product, due: 1, state: 'completed' },
		{ name: 'Diego Alvarez', course: product, due: -3, state: 'not_started' },
		{ name: 'Hannah Kim', course: discovery, due: 6, state: 'completed' }
	];
	const leaders = new Map([
		['Enterprise', 'Grace Hopper'],
		['Mid-Market', 'Liu Yang']
	]);
	for (const [i, p] of plan.entries()) {
		const member = byName.get(p.name);
		if (!member) continue;
		const teamName = ['Ada Lovelace', 'Wang Fang', 'Marcus Reed', 'Priya Natarajan', 'Chen Jing', 'Lucas Moreau', 'Sofia Rossi'].includes(p.name) ? 'Enterprise' : 'Mid-Market';
		const leader = byName.get(leaders.get(teamName)!);
		const assignedAt = new Date(now.getTime() - (10 - (i % 4)) * DAY);
		await upsertAssignments(db, [
			{ organizationId, courseId: p.course.id, userId: member.user_id, assignedBy: leader?.user_id ?? adminId, dueOn: day(p.due), note: p.note ?? null, plan: !!p.dev, createdAt: assignedAt }
		]);
		if (p.state === 'not_started') continue;
		const modules = p.course.modules;
		// In progress: the first module done (and a failed quiz attempt for some); completed: every module.
		const upTo = p.state === 'completed' ? modules.length : 1;
		for (const [j, m] of modules.slice(0, upTo).entries()) {
			const at = new Date(assignedAt.getTime() + (j + 1) * 3600_000 * 20);
			if (m.quiz) {
				let attempt = 1;
				if (p.failedOnce) {
					const wrong = answersFor(m.quiz, false);
					await insertAttempt(db, { organizationId, courseId: p.course.id, moduleId: m.id, userId: member.user_id, attempt: attempt++, answers: wrong, correct: m.quiz.questions.length - 1, total: m.quiz.questions.length, score: Math.floor(((m.quiz.questions.length - 1) * 100) / m.quiz.questions.length), passed: false, createdAt: new Date(at.getTime() - 3600_000) });
				}
				await insertAttempt(db, { organizationId, courseId: p.course.id, moduleId: m.id, userId: member.user_id, attempt, answers: answersFor(m.quiz, true), correct: m.quiz.questions.length, total: m.quiz.questions.length, score: 100, passed: true, createdAt: at });
			}
			await markModuleDone(db, { organizationId, courseId: p.course.id, moduleId: m.id, userId: member.user_id, at });
		}
		if (p.state === 'in_progress' && p.failedOnce) {
			const m = modules.find((x) => x.quiz);
			if (m?.quiz) {
				await insertAttempt(db, { organizationId, courseId: p.course.id, moduleId: m.id, userId: member.user_id, attempt: 1, answers: answersFor(m.quiz, false), correct: m.quiz.questions.length - 1, total: m.quiz.questions.length, score: Math.floor(((m.quiz.questions.length - 1) * 100) / m.quiz.questions.length), passed: false, createdAt: new Date(now.getTime() - DAY) });
			}
		}
		if (p.state !== 'completed') continue;
		const completedAt = new Date(assignedAt.getTime() + (modules.length + 1) * 3600_000 * 20);
		await insertCompletion(db, { organizationId, courseId: p.course.id, userId: member.user_id, source: 'demo', externalId: null, points: p.course.spec.points, completedAt, recordedBy: null });
		const key = `training:${p.course.id}:${member.user_id}`;
		events.push({
			organization_id: organizationId,
			metric_id: metricId,
			user_id: member.user_id,
			team_id: member.team_id,
			value: 0,
			points: p.course.spec.points,
			occurred_at: completedAt,
			source: 'training',
			actor_id: null,
			note: p.course.spec.title.en,
			idempotency_key: key,
			content_hash: createHash('sha256').update(JSON.stringify(['award', key, member.user_id, p.course.spec.points])).digest('hex')
		});
	}
	await insertEvents(db, events);
}
