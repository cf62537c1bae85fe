"""The schematic tile map of Heilongjiang's 13 prefecture-level divisions, keyed by GB/T 2260
code (row, column; north at the top). A published geographic map needs map review (审图号),
so this is the default; a deployer may register an approved GeoJSON in settings
(``STATS_MAP_GEOJSON`` and its ``STATS_MAP_REVIEW_NO``)."""

TILES: dict[str, tuple[int, int]] = {
    "232700": (0, 1),  # 大兴安岭地区
    "231100": (0, 2),  # 黑河市
    "230200": (1, 1),  # 齐齐哈尔市
    "230700": (1, 3),  # 伊春市
    "230400": (1, 4),  # 鹤岗市
    "230600": (2, 1),  # 大庆市
    "231200": (2, 2),  # 绥化市
    "230800": (2, 4),  # 佳木斯市
    "230500": (2, 5),  # 双鸭山市
    "230100": (3, 2),  # 哈尔滨市
    "230900": (3, 4),  # 七台河市
    "230300": (3, 5),  # 鸡西市
    "231000": (4, 3),  # 牡丹江市
}
ROWS = 5
COLUMNS = 6
