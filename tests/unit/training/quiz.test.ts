// Quiz scoring and checking (shared/training/quiz.ts), and the module body's sanitized Markdown and
// video links (shared/training/markdown.ts). Property tests: a question is right exactly when the set
// chosen equals the set of correct options; passing is the integer comparison, whatever the order.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { checkQuiz, draftOf, quizView, reachesPassMark, scoreQuiz, type Quiz } from '../../../src/lib/shared/training/quiz';
import { httpUrl, renderMarkdown, videoLink } from '../../../src/lib/shared/training/markdown';
import { assignmentState, isDay, isOverdue } from '../../../src/lib/shared/training/training';

const quiz = (passMark = 66, maxAttempts: number | null = 3): Quiz => {
	const checked = checkQuiz({
		passMark,
		maxAttempts,
		questions: [
			{ kind: 'single', prompt: 'One?', options: [{ text: 'a', correct: false }, { text: 'b', correct: true }] },
			{ kind: 'multiple', prompt: { en: 'Two?', 'zh-CN': '二？' }, options: [{ text: 'x', correct: true }, { text: 'y', correct: false }, { text: 'z', correct: true }] },
			{ kind: 'single', prompt: 'Three?', options: [{ text: 'p', correct: true }, { text: 'q', correct: false }] }
		]
	});
	if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
	return checked.quiz;
};

describe('scoreQuiz', () => {
	test('single and multiple choice; partial, padded and missing answers are wrong', () => {
		const q = quiz();
		const all = scoreQuiz(q, { q1: ['q1o2'], q2: ['q2o1', 'q2o3'], q3: ['q3o1'] });
		expect(all.ok && all.score).toMatchObject({ correct: 3, total: 3, score: 100, passed: true });
		const partial = scoreQuiz(q, { q1: ['q1o2'], q2: ['q2o1'], q3: ['q3o1'] });
		expect(partial.ok && partial.score.results.map((r) => r.right)).toEqual([true, false, true]);
		const padded = scoreQuiz(q, { q1: ['q1o2'], q2: ['q2o1', 'q2o2', 'q2o3'], q3: [] });
		expect(padded.ok && padded.score).toMatchObject({ correct: 1, passed: false });
		const none = scoreQuiz(q, {});
		expect(none.ok && none.score).toMatchObject({ correct: 0, score: 0, passed: false });
		// The order of the options chosen and repeats do not matter.
		const reordered = scoreQuiz(q, { q1: ['q1o2'], q2: ['q2o3', 'q2o1', 'q2o3'], q3: ['q3o1'] });
		expect(reordered.ok && reordered.score.correct).toBe(3);
	});

	test('the pass mark is compared in integers: 2 of 3 passes 66 and fails 67', () => {
		const twoOfThree = { q1: ['q1o2'], q2: ['q2o1', 'q2o3'], q3: ['q3o2'] };
		const at66 = scoreQuiz(quiz(66), twoOfThree);
		const at67 = scoreQuiz(quiz(67), twoOfThree);
		expect(at66.ok && at66.score).toMatchObject({ score: 66, passed: true });
		expect(at67.ok && at67.score).toMatchObject({ score: 66, passed: false });
		expect(reachesPassMark(3, 3, 100)).toBe(true);
		expect(reachesPassMark(0, 0, 1)).toBe(false);
	});

	test('answers naming unknown questions or options, or two options of a single-choice question, are refused', () => {
		const q = quiz();
		expect(scoreQuiz(q, { q9: ['q1o1'] })).toMatchObject({ ok: false, issue: { field: 'answers' } });
		expect(scoreQuiz(q, { q1: ['q2o1'] })).toMatchObject({ ok: false, issue: { field: 'answers' } });
		expect(scoreQuiz(q, { q1: ['q1o1', 'q1o2'] })).toMatchObject({ ok: false, issue: { field: 'answers' } });
	});

	test('property: right exactly when the chosen set equals the correct set; passed exactly when correct×100 ≥ mark×total', () => {
		const arbQuiz = fc
			.record({
				passMark: fc.integer({ min: 1, max: 100 }),
				questions: fc.array(
					fc.record({ multiple: fc.boolean(), options: fc.array(fc.boolean(), { minLength: 2, maxLength: 8 }) }).map(({ multiple, options }) => {
						// A single-choice question has exactly one correct option.
						const correct = multiple ? (options.some(Boolean) ? options : [true, ...options.slice(1)]) : options.map((_, i) => i === 0);
						return { kind: multiple ? 'multiple' : 'single', prompt: 'Q', options: correct.map((c, i) => ({ text: `o${i}`, correct: c })) };
					}),
					{ minLength: 1, maxLength: 12 }
				)
			})
			.map((draft) => {
				const checked = checkQuiz({ ...draft, maxAttempts: null });
				if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
				return checked.quiz;
			});
		fc.assert(
			fc.property(arbQuiz, fc.array(fc.array(fc.nat(), { maxLength: 8 }), { maxLength: 12 }), (q, picks) => {
				const answers: Record<string, string[]> = {};
				q.questions.forEach((question, i) => {
					const chosen = [...new Set((picks[i] ?? []).map((n) => question.options[n % question.options.length].id))];
					answers[question.id] = question.kind === 'single' ? chosen.slice(0, 1) : chosen;
				});
				const result = scoreQuiz(q, answers);
				if (!result.ok) return false;
				const expected = q.questions.map((question) => {
					const chosen = new Set(answers[question.id]);
					return chosen.size === question.correct.length && question.correct.every((id) => chosen.has(id));
				});
				const correct = expected.filter(Boolean).length;
				return (
					JSON.stringify(result.score.results.map((r) => r.right)) === JSON.stringify(expected) &&
					result.score.correct === correct &&
					result.score.passed === correct * 100 >= q.passMark * q.questions.length &&
					result.score.score === Math.floor((correct * 100) / q.questions.length)
				);
			}),
			{ numRuns: 300 }
		);
	});

	test('property: the right answers always pass, whatever the pass mark', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 100 }), (mark) => {
				const q = quiz(mark);
				const result = scoreQuiz(q, Object.fromEntries(q.questions.map((x) => [x.id, x.correct])));
				return result.ok && result.score.passed && result.score.score === 100;
			})
		);
	});
});

describe('checkQuiz', () => {
	test('names each problem’s field and leaves no quiz', () => {
		const checked = checkQuiz({
			passMark: '101',
			maxAttempts: 0,
			questions: [
				{ kind: 'single', prompt: ' ', options: [{ text: 'a', correct: true }, { text: 'b', correct: true }] },
				{ kind: 'poll', prompt: 'p', options: [{ text: 'a', correct: true }] },
				{ kind: 'multiple', prompt: 'p', options: [{ text: 'a', correct: false }, { text: '', correct: false }] }
			]
		});
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		expect(checked.issues.map((i) => i.field)).toEqual([
			'question.0.prompt',
			'question.0.correct',
			'question.1.kind',
			'question.1.options',
			'question.2.option.1',
			'question.2.correct',
			'passMark',
			'maxAttempts'
		]);
		expect(checkQuiz({ questions: [], passMark: 50 })).toMatchObject({ ok: false, issues: [{ field: 'question' }] });
		expect(checkQuiz({ questions: [{ kind: 'single', prompt: 'x\u0000', options: [{ text: 'a', correct: true }, { text: 'b' }] }], passMark: 50 })).toMatchObject({ ok: false });
	});

	test('ids are positional, an empty attempt limit means unlimited, and a quiz goes back to its draft unchanged', () => {
		const q = quiz(80, null);
		expect(q.maxAttempts).toBeNull();
		expect(q.questions.map((x) => x.id)).toEqual(['q1', 'q2', 'q3']);
		expect(q.questions[1].correct).toEqual(['q2o1', 'q2o3']);
		const again = checkQuiz(draftOf(q));
		expect(again).toEqual({ ok: true, quiz: q });
		expect(JSON.stringify(quizView(q))).not.toContain('correct');
	});
});

describe('module bodies', () => {
	test('Markdown is rendered with every tag of the source escaped and only http(s)/mailto links', () => {
		const html = renderMarkdown('# Title\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[bad](javascript:alert(1)) [ok](https://example.com) ![img](https://example.com/x.png) [rel](/admin)');
		expect(html).toContain('<h1>Title</h1>');
		expect(html).not.toMatch(/<script|<img|<[^>]*onerror=|href="javascript|href="\/admin/);
		expect(html).toContain('&lt;script&gt;');
		expect(html).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">ok</a>');
	});

	test('videos: YouTube and Vimeo embed through their privacy players; other http(s) links stay links; anything else is nothing', () => {
		expect(videoLink('https://www.youtube.com/watch?v=Ks-_Mh1QhMc')).toMatchObject({ kind: 'embed', src: 'https://www.youtube-nocookie.com/embed/Ks-_Mh1QhMc' });
		expect(videoLink('https://youtu.be/Ks-_Mh1QhMc')).toMatchObject({ kind: 'embed', host: 'youtube' });
		expect(videoLink('https://vimeo.com/123456')).toMatchObject({ kind: 'embed', src: 'https://player.vimeo.com/video/123456' });
		expect(videoLink('https://youtube.com.evil.example/watch?v=Ks-_Mh1QhMc')).toMatchObject({ kind: 'link' });
		expect(videoLink('https://www.youtube.com/watch?v="><script>')).toMatchObject({ kind: 'link' });
		expect(videoLink('http://intranet.example/video.mp4')).toMatchObject({ kind: 'link', url: 'http://intranet.example/video.mp4' });
		expect(videoLink('javascript:alert(1)')).toBeNull();
		expect(videoLink('data:text/html,hi')).toBeNull();
		expect(httpUrl('https://user:pw@example.com')).toBeNull();
	});
});

describe('assignment rules', () => {
	test('state, overdue on local days, and real calendar days', () => {
		expect(assignmentState({ completed: false, started: false })).toBe('not_started');
		expect(assignmentState({ completed: false, started: true })).toBe('in_progress');
		expect(assignmentState({ completed: true, started: false })).toBe('completed');
		expect(isOverdue('2026-11-29', '2026-11-30', false)).toBe(true);
		expect(isOverdue('2026-11-30', '2026-11-30', false)).toBe(false);
		expect(isOverdue('2026-11-01', '2026-11-30', true)).toBe(false);
		expect(isDay('2028-02-29')).toBe(true);
		expect(isDay('2026-02-29')).toBe(false);
		expect(isDay('2026-1-01')).toBe(false);
	});
});
