import type { transparencyEn } from './transparency.en';

// 透明度：销售代表能看到的排行榜内容，以及在公共屏幕上隐藏。
export const transparencyZhCN: Record<keyof typeof transparencyEn, string> = {
	'transparency.title': '透明度',
	'transparency.lead': '公开排名反馈可能打击榜单末尾者的积极性（Bandiera、Barankay 和 Rasul，2013），因此你可以让销售代表看到更少内容；主管和管理员始终能看到全部。',
	'transparency.field.view': '销售代表可见',
	'transparency.view.full': '完整榜单',
	'transparency.view.top': '前 N 名及自己附近的名次',
	'transparency.field.topN': '前 N 名',
	'transparency.field.neighbours': '自己上下各显示几行',
	'transparency.field.values': '他人的数值',
	'transparency.values.all': '销售代表可见所有人的数值',
	'transparency.values.ranks': '销售代表只看到名次（自己的数值仍可见）',
	'transparency.field.allowHiding': '允许销售代表在办公室屏幕上隐藏自己',
	'transparency.field.hidden': '在办公室屏幕上隐藏我',
	'transparency.saved': '透明度设置已保存。',
	'transparency.me.hint': '你不会出现在电视幻灯片和庆祝动画中。你的榜单和同事看到的内容不变。',
	'transparency.me.notAllowed': '你的组织不允许成员在屏幕上隐藏自己。',
	'transparency.me.saved': '已保存。',
	'transparency.errors.hidingOff': '你的组织不允许成员在屏幕上隐藏自己。',
	'transparency.errors.receipt': '你的组织对这个分数只向你显示名次，不显示明细。',
	'transparency.ranksOnly': '不显示数值：你的组织只显示名次',
	'transparency.gap': '中间的名次未显示',
	'transparency.notice.top': '你能看到前 {n} 名和你附近的名次。',
	'transparency.notice.ranks': '你只能看到名次；只显示你自己的数值。',
	'transparency.feed.logged': '{name} 记录了{metric}',
	'transparency.feed.deal': '{name} 赢得了一笔交易',
	'transparency.home.next': '下一个要超越的：{name}'
};
