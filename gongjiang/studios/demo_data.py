"""What the demo's studios do, so that their records read like a union official expects.

Plain data, used by ``studios/demo.py``:
- ``TRADES``: the trades of each studio's lead and team (its occupations follow its lead's);
- ``RECENT``: each studio's work of the last two years (a project under way, a recognised result), so
  that a studio named in 2021 still passes its "六有" checks today;
- ``THIS_YEAR``: the alliances some unions formed this year, so that the targets page shows some
  unions on track and others still to form theirs, as in any December;
- ``BY_INDUSTRY``: for a studio of a generated employer, the field, project and result of its industry
  (a food company's studio works on its filling line, not on CNC machining).
"""

# studio key (STUDIOS in demo.py) or 鸡西 label (JIXI_STUDIOS) → trades of its people, the lead's first
TRADES: dict[str, tuple[str, ...]] = {
    "pine": ("林木种苗工", "护林员"),
    "graft": ("林木种苗工",),
    "pest": ("林业有害生物防治员", "护林员"),
    "forge": ("锻造工", "热处理工"),
    "crrc": ("焊工", "铁路车辆制修工"),
    "heping": ("焊工", "铆工"),
    "hadian": ("电机装配工", "电工"),
    "hadian2": ("数控铣工", "加工中心操作工"),
    "hafei": ("数控铣工", "加工中心操作工"),
    "grid": ("送配电线路工", "变电设备检修工"),
    "综采工作面智能化": ("采煤机司机", "液压支架工"),
    "瓦斯抽采": ("瓦斯检查工", "矿井通风工"),
    "机电设备维修": ("矿井维修电工", "机修钳工"),
    "井下运输": ("矿井维修电工", "机修钳工"),
    "选煤工艺": ("选煤工",),
    "矿井供电": ("矿井维修电工",),
    "掘进支护": ("掘进机司机",),
    "煤矿机械加工": ("车工", "焊工"),
}

# key or label → (a project under way this year, a result recognised last year, its kind)
RECENT: dict[str, tuple[str, str, str]] = {
    "pine": ("红松果林水肥一体化试验", "红松果林水肥管理规程", "standard"),
    "graft": ("红松良种穗条采集与贮藏", "红松嫁接苗越冬保护方法", "method"),
    "pest": ("红松球果螟性诱剂监测", "林业有害生物无人机监测方法", "method"),
    "forge": ("超大型支承辊锻件锻造工艺", "大型锻件中心压实锻造专利", "patent"),
    "crrc": ("敞车车体自动焊接工作站应用", "铁路货车侧架焊接工装专利", "patent"),
    "heping": ("大型结构件机器人焊接", "厚板窄间隙焊接操作法", "method"),
    "hadian": ("定子线棒端部防晕结构改进", "定子线棒防晕工艺规范", "standard"),
    "hadian2": ("转轮叶片五轴加工刀具路径优化", "转轮叶片曲面数控加工方法", "method"),
    "hafei": ("直升机复合材料构件数控铣削", "航空薄壁件高速铣削专利", "patent"),
    "grid": ("配网带电作业机器人推广", "带电作业绝缘工具专利", "patent"),
    "综采工作面智能化": ("综采工作面远程集控", "液压支架电液控制维护方法", "method"),
    "瓦斯抽采": ("本煤层顺层钻孔增透", "瓦斯抽采钻孔带压封孔方法", "method"),
    "机电设备维修": ("提升机制动系统在线监测", "主通风机在线监测专利", "patent"),
    "井下运输": ("胶带机跑偏撕裂保护改进", "胶带机防撕裂装置专利", "patent"),
    "选煤工艺": ("浮选药剂自动添加", "重介质旋流器密度控制方法", "method"),
    "矿井供电": ("井下变电所无人值守改造", "矿井供电漏电保护整定方法", "method"),
    "掘进支护": ("掘锚一体机快速掘进", "锚索快速张拉工法", "method"),
    "煤矿机械加工": ("采煤机截齿座修复", "截齿座堆焊修复方法", "method"),
}

# (alliance, lead union, level, founding document (year filled in), month founded, member studios by name)
THIS_YEAR: tuple[tuple[str, str, str, str, int, tuple[str, ...]], ...] = (
    (
        "黑龙江省能源化学地质工会煤矿安全创新工作室联盟",
        "黑龙江省能源化学地质工会",
        "provincial",
        "黑能化工发〔{year}〕4号",
        3,
        ("瓦斯抽采创新工作室", "综采工作面智能化创新工作室", "机电设备维修创新工作室"),
    ),
    (
        "黑龙江省电力工会输变电创新工作室联盟",
        "黑龙江省电力工会",
        "provincial",
        "黑电工发〔{year}〕9号",
        5,
        ("输变电检修创新工作室", "大型发电机创新工作室"),
    ),
    (
        "齐齐哈尔市焊接技术创新工作室联盟",
        "齐齐哈尔市总工会",
        "city",
        "齐工发〔{year}〕11号",
        6,
        ("铁路货车转向架创新工作室", "重型装备焊接创新工作室"),
    ),
    (
        "哈尔滨市数控加工创新工作室联盟",
        "哈尔滨市总工会",
        "city",
        "哈工发〔{year}〕14号",
        9,
        ("秦世俊数控铣创新工作室", "水轮机转轮创新工作室"),
    ),
)

# a generated employer's industry → (studio field, trades, project, result)
BY_INDUSTRY: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "机械制造": ("机械加工 数控车削 工装夹具", ("数控车工", "钳工"), "轴类零件数控车削提效", "薄壁套筒车削工装"),
    "装备": ("装备制造 焊接 装配", ("焊工", "装配钳工"), "焊接机器人工作站应用", "结构件焊接变形控制方法"),
    "电力工程": (
        "电力工程 线路施工 电缆敷设",
        ("送配电线路工", "电力电缆安装运维工"),
        "高寒地区电缆敷设",
        "冬季电缆敷设工法",
    ),
    "化工": ("化工工艺 装置运行 仪表维护", ("化工总控工", "仪器仪表维修工"), "装置节能降耗", "换热器结垢清洗方法"),
    "建设": ("寒区施工 混凝土 钢筋", ("混凝土工", "钢筋工"), "冬季混凝土施工质量控制", "暖棚养护工法"),
    "食品": (
        "食品生产线 设备维修 质量检验",
        ("机修钳工", "农产品食品检验员"),
        "灌装生产线自动化改造",
        "灌装设备点检操作法",
    ),
}


def studio_of_industry(industry: str) -> tuple[str, tuple[str, ...], str, str]:
    return BY_INDUSTRY.get(industry, BY_INDUSTRY["机械制造"])
