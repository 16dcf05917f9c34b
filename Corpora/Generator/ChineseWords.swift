/// Chinese word lists, written for this project: names, things, places, verbs and the vocabulary of
/// economic reports. Together they use well over a thousand distinct characters, so that generated
/// prose compresses about as well as real prose does.
enum ChineseWords {
    static let surnames = Lexicon.words(
        """
        王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 萧 田 董
        袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 方 白 邹 孟 熊
        秦 邱 江 尹 薛 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 武 戴 莫 孔 向 汤 柳 温 岳 欧阳 司马 上官
        """)

    static let givenNames = Lexicon.words(
        """
        伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 萍 红 飞 鹏 辉 建 文 宁 琳 晨
        欣 宇 浩 然 轩 睿 博 思 远 嘉 怡 雪 梅 兰 竹 菊 松 柏 峰 岚 川 海 波 泽 清 源 溪 云 霖 雨 露 星 月 阳 春
        秋 冬 瑞 祥 福 寿 康 安 乐 德 仁 义 礼 智 信 忠 孝 良 善 勤 俭 恒 毅 诚 谦 逸 凡 墨 青 翠 碧 丹 彤 珊 琪
        瑶 璐 珂 莹 蕾 薇 蓉 芸 菲 晓 昕 曦 旭 昊 煜 炜 烨 焕 灿 耀 光 辰 宸 晟 朗 皓 哲 颖 慧 聪 俊 彦 斌 彬 豪
        雄 威 勋 铭 锋 钧 鑫 铮 婉 婷 倩 佳 妍 晴 霏 黛 钗 湘 岫 砚 笙 箫 筠 苓 蘅 荷 莲 棠 槐 桐 枫 楠 樟 杉
        """)

    /// Things, each with its measure word first ("封书信": a letter).
    static let things = Lexicon.words(
        """
        封书信 只茶杯 盏灯笼 把雨伞 口木箱 面铜镜 块玉佩 柄长剑 把折扇 副棋盘 张药方 本账本 张地图 把钥匙 个包袱
        只竹篮 只瓷瓶 幅画卷 方砚台 支毛笔 锭银子 袋粮食 匹布料 匹丝绸 辆马车 条小船 张渔网 顶斗笠 件蓑衣 把酒壶
        座香炉 根琴弦 个信封 只铃铛 罐灯油 筐炭火 捆柴火 块石碑 扇木门 道屏风 床被褥 个枕头 件衣裳 双布鞋 条腰带
        支发簪 块手帕 包草药 碗米粥 笼馒头 包茶叶 盒糕点 篮果子 尾鲜鱼 把青菜 块豆腐 坛黄酒 份合同 个项目 笔资金
        套方案 批产品 台设备 座工厂 组数据 份报告 项计划 条政策 位客户 张订单 笔贷款 份文件 套系统 部手机 台电脑
        座桥梁 所学校 家医院 个车站 张车票 枚印章 本日记 封电报 只皮箱 副眼镜 把二胡 面锣鼓 盆兰花 株梅树 棵老槐树
        口水井 架纺车 台织机 把锄头 张犁 盏油灯 根蜡烛 块木牌 卷竹简 册古籍 本族谱 串铜钱 只玉镯 枚戒指 条项链
        把算盘 杆秤 只鸟笼 匹白马 头黄牛 只花猫 条黑狗 群鸽子 缸金鱼 袋种子 车煤炭 箱药品 批钢材 罐油漆 卷电缆
        """)

    static let places = Lexicon.words(
        """
        后院 书房 大堂 江边 城门口 集市 码头 茶馆 酒楼 客栈 山脚下 河岸 村口 庙里 渡口 驿站 花园 厨房 书院 衙门
        城楼上 田埂上 竹林里 桥头 廊下 门外 院中 屋檐下 灶台边 窗前 山顶 湖心亭 巷子口 街角 楼上 船头 岸边 林间
        营地 关口 城外 府中 堂前 祠堂 药铺 布庄 当铺 钱庄 学堂 戏台下 柴房 马厩 井边 磨坊 果园 菜地 坟前 亭子里
        车间 办公室 会议室 仓库 工地 实验室 车站 机场 港口 医院 银行 商场 宿舍 食堂 操场 图书馆 展厅 村委会 田间地头
        """)

    /// Syllables of made-up place names: the first two characters and a kind of place.
    static let placeCharacters = Lexicon.words(
        """
        青 石 黄 白 清 安 平 长 永 新 东 西 南 北 云 龙 凤 桃 柳 杏 梅 松 竹 兰 泉 溪 江 河 湖 海 山 岭 峰 谷 林
        宁 丰 阳 阴 济 和 兴 隆 昌 盛 福 宝 金 银 铜 铁 玉 沙 泥 花 草 鹿 鹤 雁 燕 乌 赤 紫 翠 碧 丹 镇 原 川 源
        """)
    static let placeKinds = Lexicon.words("县 镇 村 城 府 州 山 湖 港 岭 堡 庄 坪 湾 口 集 坡 寨 桥 关")

    static let times = Lexicon.words(
        """
        清晨 傍晚 次日 那天夜里 第二年春天 三更时分 过了几日 不多时 转眼之间 黄昏时分 天刚亮时 半夜里 正午 午后
        入冬以后 中秋那天 这一年 那年秋天 几天以后 片刻之后 一大早 开春以后 腊月里 端午前后 雨停之后 饭后 临行前
        当天下午 月底 年关将近时 去年冬天 如今 后来 起初 此后 当晚 第三天 次年夏天 那些年 小时候 不久以后
        """)

    static let motionVerbs = Lexicon.words("走进 来到 回到 赶到 跑到 搬到 住进 转到 踱到 走出 溜进 奔向 绕到 登上 坐在 站在 躲在 守在 等在 路过")

    static let actionVerbs = Lexicon.words(
        """
        拿起 放下 收好 打开 合上 翻开 递过 带着 捧着 拎着 抱着 擦净 藏起 寻找 买下 卖掉 修好 写完 读完 看完 摆好
        包好 借来 还了 送去 取出 挑了 换了 捡起 扔掉 点燃 吹灭 洗净 晒干 缝补 收拾 清点 核对 签下 盖上 寄出 运回
        """)

    static let mindVerbs = Lexicon.words(
        """
        看见 想起 听说 知道 觉得 发现 明白 记得 忘了 答应 拒绝 商量 打听 吩咐 告诉 解释 安排 准备 决定 担心 希望
        相信 怀疑 猜到 料到 认出 提起 说起 问起 念着 惦记 盘算 琢磨 劝说 嘱咐 叮嘱 责怪 称赞 感谢 原谅 埋怨
        """)

    static let adverbs = Lexicon.words(
        """
        悄悄 慢慢 忽然 连忙 赶紧 默默 轻轻 渐渐 终于 依旧 仍然 随即 竟然 果然 居然 索性 偏偏 只好 难免 向来 一直
        早已 刚刚 已经 立刻 马上 不禁 暗暗 独自 亲自 特意 故意 顺手 随手 匆匆 缓缓 远远 久久 一再 反复 照例
        """)

    static let degrees = Lexicon.words("很 十分 格外 有些 越发 愈加 分外 极其 略显 颇为 稍稍 非常 实在 更加 异常 相当")

    static let qualities = Lexicon.words(
        """
        冷清 热闹 安静 明亮 昏暗 潮湿 干燥 温暖 寒冷 宽敞 狭窄 整齐 凌乱 破旧 崭新 清澈 浑浊 茂盛 稀疏 平坦 陡峭
        沉重 轻快 干净 嘈杂 幽静 荒凉 繁华 朴素 精致 粗糙 光滑 柔软 坚硬 鲜艳 暗淡 苍白 通红 漆黑 雪白 碧绿 金黄
        """)

    static let emotions = Lexicon.words(
        """
        高兴 难过 生气 着急 害怕 惊讶 紧张 感动 失望 后悔 羞愧 委屈 欣慰 烦闷 忐忑 踏实 酸楚 惆怅 释然 愧疚 激动
        """)

    static let sceneSubjects = Lexicon.words(
        """
        天色 山风 雨水 江水 月光 灯火 炊烟 树影 院子 街道 雾气 河面 山路 屋顶 窗外 远处 田野 湖水 街市 庭院 天空
        晚霞 雪地 草地 海面 城墙 巷子 林子 竹影 钟声 鸟鸣 蝉声 水声 人声 风声
        """)

    static let speechVerbs = Lexicon.words("说道 笑道 叹道 问道 低声道 冷笑道 忙道 答道 喊道 嘟囔道 正色道 苦笑道 接口道 追问道")
    static let speechTails = Lexicon.words("说 笑着说 叹了口气说 低声说 摇头说 点头说 小声嘀咕 大声说 回头说 想了想说")

    static let pronouns = Lexicon.words("我 你 他 她 我们 你们 他们 咱们 大家 人家")

    static let exclamations = Lexicon.words("哎呀 天哪 好极了 可惜 罢了 糟了 不好 好险 奇怪 原来如此 怪不得 真是的")

    static let abstractNouns = Lexicon.words(
        """
        消息 心事 主意 道理 规矩 脾气 名声 前程 缘分 恩情 交情 分寸 往事 家业 生计 功名 手艺 本事 心血 面子 良心
        誓言 承诺 误会 秘密 麻烦 机会 办法 理由 证据 打算 念头 担子 日子 光景 世道 人情 天意 运气 嫁妆 聘礼
        """)

    static let organizations = Lexicon.words(
        """
        公司 集团 本行 该企业 全省 全市 本县 我市 全国 该行业 合作社 研究院 开发区 管委会 商会 协会 基金会 总厂
        """)

    static let indicators = Lexicon.words(
        """
        营业收入 净利润 出口总额 粮食产量 固定资产投资 社会消费品零售总额 研发投入 财政收入 居民人均可支配收入 进出口总额
        工业增加值 货物吞吐量 接待游客人数 新增贷款 税收收入 实际利用外资 用电量 快递业务量 新签合同额 农业总产值
        """)

    static let sectors = Lexicon.words("制造业 农业 服务业 旅游业 物流业 建筑业 零售业 金融业 软件业 渔业 林业 畜牧业 新能源 电子信息 生物医药")

    static let units = Lexicon.words("亿元 万元 万吨 万人次 万千瓦时 万件 亿美元 万亩 万标准箱 千万元")

    static let meetings = Lexicon.words("年度股东大会 董事会 常务会议 工作会议 座谈会 听证会 表彰大会 职工代表大会 专题会议")

    static let documents = Lexicon.words(
        """
        年度工作报告 发展规划纲要 实施方案 管理办法 利润分配预案 投资计划 章程修正案 财务预算报告 人才引进办法 安全生产条例
        """)

    static let bookWords = Lexicon.words(
        """
        春秋 江湖 山河 风月 烟雨 长亭 孤城 旧梦 归途 故园 浮生 流年 梨花 落雁 青灯 白马 秋水 寒山 草堂 远行 家书
        """)

    static let furniture = Lexicon.words("书架 柜子 桌案 箱底 枕边 墙角 抽屉 窗台 床头 架子")

    static let measures = Lexicon.words("个 只 本 把 张 件 条 封 盏 匹 座 间 位 支 杯 碗 块 片 双 顶")

    /// Single characters for chapter couplets: what someone did, and how.
    static let coupletManners = Lexicon.words("夜 初 再 三 巧 误 怒 笑 智 醉 暗 独 同 忽 重 苦 喜 惊 闲 急")
    static let coupletVerbs = Lexicon.words("走 访 探 识 救 赠 遇 别 守 闯 入 得 失 寻 戏 问 辞 归 赴 题 论 斗 读 葬")

    static let digits = Lexicon.words("零 一 二 三 四 五 六 七 八 九")
}
