import type { authEn } from './auth.en';

export const authZhCN: Record<keyof typeof authEn, string> = {
	'auth.busy': 'Podium 正在处理其他登录请求，请稍后再试。',
	'auth.signup.rateLimited': '你所在网络创建的新账户过多，请在 {minutes} 分钟后重试。',
	'auth.signup.rateLimited.one': '你所在网络创建的新账户过多，请在 {minutes} 分钟后重试。',

	'validation.passwordLowVariety': '{field}至少需要包含 {min} 个不同的字符。',
	'validation.passwordCommon': '{field}是最常见的密码之一。请换一个更难猜的，例如几个互不相关的词。',
	'validation.passwordPersonal': '{field}不能基于你的姓名或邮箱。',

	'fields.currentPassword': '当前密码',
	'fields.newPassword': '新密码',

	'invite.used': '此邀请已被使用。',
	'invite.revoked': '此邀请已被撤回。',
	'invite.gone.title': '此邀请已失效',
	'invite.gone.help': '请向管理员索取新的邀请链接。如果你已经加入，直接登录即可。',
	'invite.signInFirst': '此邮箱无法用于创建新账户。如果你已经在用这个邮箱登录 Podium，请先登录再接受邀请。',
	'invite.haveAccount': '已经在用 {email} 登录 Podium？',
	'invite.signInToAccept': '登录后接受',
	'invite.signedInAs': '你当前以 {email} 登录。',
	'invite.wrongAccount': '此邀请发给 {email}。请先退出，再以 {email} 登录后接受。',

	'welcome.title': '欢迎加入 {org}！',
	'welcome.body': '你已加入。记录一次通话或会议就能上榜，并实时看到排名变化。',
	'welcome.dismiss': '关闭',

	'account.password': '密码',
	'account.password.lead': '修改密码后，你在其他设备上的登录都会退出。',
	'account.password.submit': '修改密码',
	'account.password.changed': '密码已修改，你的其他会话已退出。',
	'account.password.wrongCurrent': '{field}不正确。',

	'admin.members.reset': '重置密码',
	'admin.members.resetLead': '适用于忘记密码的成员：生成一个链接，让对方设置新密码。链接只能使用一次，24 小时内有效，请亲自转交。',
	'admin.members.resetCreated': '这是 {name} 的密码重置链接。请亲自转交：它只能使用一次，24 小时内有效，并且只显示这一次。',
	'admin.members.resetSelf': '请在账户页面修改你自己的密码。',
	'admin.members.resetInactive': '请先重新启用该成员，再重置其密码。',
	'admin.members.resetElsewhere': '此人还属于其他组织，因此只能由本人在账户页面修改密码。',

	'reset.title': '设置新密码',
	'reset.lead': '账户：{email}。设置后，所有设备上的登录都会退出。',
	'reset.submit': '设置密码',
	'reset.invalid': '此密码重置链接已失效：可能已被使用、已过期或输入有误。请向管理员索取新的链接。',

	'audit.password.changed': '密码已修改',
	'audit.password.reset_issued': '已签发密码重置链接',
	'audit.password.reset_used': '已通过链接重置密码'
};
