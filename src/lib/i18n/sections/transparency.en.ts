// Transparency: what reps see of the boards, and hiding from public displays; transparency.zh-CN.ts must hold exactly the same keys.
export const transparencyEn = {
	'transparency.title': 'Transparency',
	'transparency.lead':
		'Public rank feedback can discourage the bottom of the board (Bandiera, Barankay & Rasul 2013), so you may show reps less; leaders and admins always see everything.',
	'transparency.field.view': 'Reps see',
	'transparency.view.full': 'The whole board',
	'transparency.view.top': 'The top N and their own neighbourhood',
	'transparency.field.topN': 'Top N',
	'transparency.field.neighbours': 'Rows above and below the rep',
	'transparency.field.values': 'Others’ values',
	'transparency.values.all': 'Reps see everyone’s values',
	'transparency.values.ranks': 'Reps see only ranks (their own value stays visible)',
	'transparency.field.allowHiding': 'Reps may hide from office displays',
	'transparency.field.hidden': 'Hide me from office displays',
	'transparency.saved': 'Transparency settings saved.',
	'transparency.me.hint': 'You will not appear on TV slides or celebrations. Your boards and colleagues’ views are unchanged.',
	'transparency.me.notAllowed': 'Your organization does not let members hide from displays.',
	'transparency.me.saved': 'Saved.',
	'transparency.errors.hidingOff': 'Your organization does not let members hide from displays.',
	'transparency.errors.receipt': 'Your organization shows you only ranks for this score, not what is behind it.',
	'transparency.ranksOnly': 'Value not shown: your organization shows ranks only',
	'transparency.gap': 'Rows in between are not shown',
	'transparency.notice.top': 'You see the top {n} and the rows around you.',
	'transparency.notice.ranks': 'You see ranks; only your own value is shown.',
	'transparency.feed.logged': '{name} logged {metric}',
	'transparency.feed.deal': '{name} won a deal',
	'transparency.home.next': 'Next to pass: {name}'
};
