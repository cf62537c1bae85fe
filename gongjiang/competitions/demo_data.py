"""The demo's provincial expert pool: judges of one to three related trades, as a pool really holds them.

(log-in, name, trades, affiliation). Every judge has a log-in, since a judge marks on a tablet under
their own account; the first three are the demo's printed judge log-ins. The finished demo events
(数控车工, 焊工, 电工) and the Harbin 车工 competition under way each draw the three judges of their
trade, the first of them chairing.
"""

JUDGES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("caipan", "张建国", ("数控车工", "车工", "数控铣工"), "哈尔滨工业大学"),
    ("caipan2", "李振华", ("焊工", "铆工"), "哈尔滨焊接研究院有限公司"),
    ("caipan3", "赵立新", ("电工", "变电设备检修工"), "黑龙江电力职业技术学院"),
    ("caipan4", "王德福", ("数控车工", "车工", "加工中心操作工"), "哈尔滨理工大学"),
    ("caipan5", "孙丽娟", ("数控车工", "车工"), "黑龙江职业学院"),
    ("caipan6", "陈宝林", ("焊工",), "哈尔滨锅炉厂有限责任公司"),
    ("caipan7", "刘秀梅", ("焊工", "铆工", "铁路车辆制修工"), "黑龙江工程学院"),
    ("caipan8", "周海峰", ("电工", "矿井维修电工"), "黑龙江科技大学"),
    ("caipan9", "吴春艳", ("电工",), "黑龙江建筑职业技术学院"),
    ("caipan10", "郑国栋", ("锻造工", "热处理工"), "燕山大学"),
)


def judges_of(trade: str) -> list[str]:
    """The log-ins of the pool's judges of ``trade``, in the pool's order (the first chairs)."""
    return [username for username, _name, trades, _aff in JUDGES if trade in trades]
