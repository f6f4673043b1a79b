"""People announced by role and profession words, with the posts written before them (kg.extract.people)."""

from __future__ import annotations

import pytest

from kg.extract import extract_text


def _names(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.name) for e in extract_text(text).entities if e.mentions}


ROLE_WORDS = [
    # (text, person, post or "")
    ("资阳市政协在安岳县召开协商会。村民代表周德明说：“路修好了就好。”", "周德明", ""),
    ("威远县政协召开协商会。县政协委员、内江某设计院工程师陈晓丽建议增设路灯。", "陈晓丽", "威远县政协委员"),
    ("平昌县政协召开协商会。县政协委员、某企业负责人吴俊建议分步实施。", "吴俊", "平昌县政协委员"),
    ("射洪市政协召开协商会。市政协委员、农艺师唐雪梅建议统一管护。", "唐雪梅", "射洪市政协委员"),
]


@pytest.mark.parametrize(("text", "person", "post"), ROLE_WORDS)
def test_person_after_a_role_word_with_the_post_before(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not post or ("Position", post) in found


def test_dictionary_word_after_a_title_is_no_name() -> None:
    found = _names("剑阁县政协成立工作领导小组，由县政协主席任组长。")
    assert not any(t == "Person" for t, _ in found)


NAMES = [
    # (text, persons that must be found) -- made-up sentences of the shapes real reports use
    # Yi and Tibetan names after a title, in a list and before a follower
    ("州政协党组书记、主席吉尔木呷到会讲话，州委常委、统战部部长海来拉哈到会指导。", {"吉尔木呷", "海来拉哈"}),
    ("市政协副主席庹明、阿牛依果出席。", {"庹明", "阿牛依果"}),
    ("县政协副主席何文静、扎西卓嘎，秘书长蒲建军出席会议。", {"何文静", "扎西卓嘎", "蒲建军"}),
    # where the name ends: a preposition, an adverb or a verb glued to it
    ("主持人、区政协委员钟雨把话筒递给居民。", {"钟雨"}),
    ("年轻业主司马岚却有不同看法。", {"司马岚"}),
    ("县政协委员、某茶厂负责人宇文涛接过话头。", {"宇文涛"}),
    ("市政协副主席韩立点赞该镇的做法。", {"韩立"}),
    ("区政协主席邬平还参加了院坝协商。", {"邬平"}),
    ("58岁的茶农穆长顺种了6亩茶。", {"穆长顺"}),
    # by-lines: names separated by spaces
    ("本报记者 龚晓川　通讯员 冉芳 杜云飞", {"龚晓川", "冉芳", "杜云飞"}),
    ("（凉州日报记者 吉布阿果 实习生 何沐风）", {"吉布阿果", "何沐风"}),
    # credits closing a paragraph
    ("会议形成3条意见。\n\n（罗嘉）\n", {"罗嘉"}),
    ("确保事事有回音。（向平）", {"向平"}),
    ("（县政协办　吉伍拉且）", {"吉伍拉且"}),
    # names before their title; historical figures after a role word
    ("毛泽东同志强调要团结一切可以团结的力量。", {"毛泽东"}),
    ("青石镇是王启明先生的故乡。", {"王启明"}),
    ("明代状元杨慎之曾在此读书。", {"杨慎之"}),
    ("退休教师覃永福说，现在投进去就有回音。", {"覃永福"}),
]


@pytest.mark.parametrize(("text", "persons"), NAMES)
def test_names(text: str, persons: set[str]) -> None:
    found = {name for type_, name in _names(text) if type_ == "Person"}
    assert persons <= found
    assert all(any(p in f for p in persons) for f in found), f"extra persons {found - persons}"


NOT_NAMES = [
    "确保落实到位（试行）",
    "各位同志，请坐。",
    "委员常态化参与小区议事。",
    "群众关心的问题精准选题。",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_no_names(text: str) -> None:
    assert not {name for type_, name in _names(text) if type_ == "Person"}


POSTS = [
    # (text, person, posts held)
    ("委员们认真学习习近平总书记的重要讲话。", "习近平", {"总书记"}),
    ("市政协副主席兼秘书长邝立新主持会议。", "邝立新", {"市政协副主席", "市政协秘书长"}),
    ("县政协委员、凉州彝绣协会会长阿侯莫呷建议把订单引进社区。", "阿侯莫呷", {"县政协委员", "凉州彝绣协会会长"}),
    ("座谈中，院落自治小组组长牟桂芝发言。", "牟桂芝", {"院落自治小组组长"}),
]


@pytest.mark.parametrize(("text", "person", "posts"), POSTS)
def test_posts(text: str, person: str, posts: set[str]) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert {("Position", p) for p in posts} <= found


def test_a_title_chain_keeps_every_post() -> None:
    found = _names("遂宁市政协党组成员、秘书长、副主席樊志刚出席。")
    assert {("Position", p) for p in ("遂宁市政协党组成员", "遂宁市政协副主席", "遂宁市政协秘书长")} <= found


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("市委常委、统战部部长上官敏应邀出席。", "上官敏"),  # the last character starts a word (应邀)
        ("区政协副主席慕容华说。", "慕容华"),  # a verb of speech before the full stop
        ("县政协主席吉克石一，县政协副主席出席。", "吉克石一"),  # 一 is no verb
        ("越西县政协主席苏尔哈、会理市政协主席郑光亮发言。", "苏尔哈"),
    ],
)
def test_where_a_name_ends(text: str, person: str) -> None:
    assert ("Person", person) in _names(text)


def test_no_name_at_the_end_of_a_title() -> None:
    assert not any(t == "Person" for t, _ in _names("制定《翠竹园小区居民公约》。"))


HEADS = [
    # (text, person, post) -- a government head is named after its place, not after the Party committee
    ("青杠镇党委副书记、镇长苟晓梅参加会议。", "苟晓梅", "青杠镇镇长"),
    ("平远县委副书记、县长徐望来到驻地。", "徐望", "平远县县长"),
    ("平远县召开会议。副县长李明出席。", "李明", "平远县副县长"),
    ("平远县县长王刚介绍情况。", "王刚", "平远县县长"),
]


@pytest.mark.parametrize(("text", "person", "post"), HEADS)
def test_heads_of_government(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert ("Position", post) in found
    assert not any(t == "Person" and n.endswith("县") for t, n in found)


def test_leaders_listed_by_name() -> None:
    found = _names("县领导唐年华、王朝阳、颜海波等参加。")
    assert {("Person", n) for n in ("唐年华", "王朝阳", "颜海波")} <= found


def test_a_credit_of_several_names() -> None:
    found = _names("给予肯定。（刘永欢、蒋小鹏）\n")
    assert {("Person", "刘永欢"), ("Person", "蒋小鹏")} <= found
    assert not any(t == "Person" for t, _ in _names("（政协办供稿）\n"))


def test_a_sub_committee_in_a_chain_with_a_member_post() -> None:
    found = _names("11月23日，县政协常委、农业农村委主任沈道江一行到大墅镇。")
    assert {("Position", "县政协常委"), ("Position", "县政协农业农村委主任")} <= found


@pytest.mark.parametrize(
    ("text", "person", "post"),
    [
        ("73岁的王秀芝告诉记者，路修好了。", "王秀芝", ""),
        ("省政协原副主席王平川出席。", "王平川", "省政协副主席"),
        ("县政协二级调研员张明远参加。", "张明远", "县政协二级调研员"),
        ("红星社区党委书记、居委会主任赵丽娟说。", "赵丽娟", "红星社区党委书记"),
    ],
)
def test_more_ways_to_name_a_person(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not post or ("Position", post) in found


@pytest.mark.parametrize("text", ["今年65岁的张大爷说。", "年满18岁的居民参加。", "3岁的孩子也来了。"])
def test_no_name_after_an_age(text: str) -> None:
    assert not any(t == "Person" for t, _ in _names(text))


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("“以前没人管。”王建业说，现在好多了。", {"王建业"}),
        ("会后，李秀珍表示将继续跟踪。", {"李秀珍"}),
        ("县政协副主席李明和王芳芳出席。", {"李明", "王芳芳"}),
        ("政协委员黄海涛、林晓红和吴德明先后发言。", {"黄海涛", "林晓红", "吴德明"}),
        ("（陈立新 摄）", {"陈立新"}),
        ("图为委员在调研。张帆 摄", {"张帆"}),
    ],
)
def test_names_by_speech_verbs_lists_and_photo_credits(text: str, persons: set[str]) -> None:
    assert {("Person", p) for p in persons} <= _names(text)


@pytest.mark.parametrize("text", ["大家说这事办得好。", "他说这是好事。", "王刚拍摄了照片。", "县政协主席李明和委员们交流。"])
def test_no_extra_names(text: str) -> None:
    found = {n for t, n in _names(text) if t == "Person"}
    assert found <= {"李明"}


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("政协委员和镇村干部围坐在院坝里。", "和镇"),
        ("作者：平远县政协", "平远县"),
        ("地址：泸州市龙马潭区长江大道北段", "江大道"),
    ],
)
def test_no_name_from_a_conjunction_a_place_or_a_word_after_a_title(text: str, wrong: str) -> None:
    assert ("Person", wrong) not in _names(text)


@pytest.mark.parametrize(
    ("text", "person", "post"),
    [
        ("成都市新都区凤溪街道党工委副书记、办事处主任洪志远参加活动。", "洪志远", "凤溪街道办事处主任"),
        ("白鹭镇党委书记、人大主席傅立强出席。", "傅立强", "白鹭镇人大主席"),
        ("县政协副主席赖小平主持。", "赖小平", ""),
    ],
)
def test_common_surnames_and_another_organ_of_the_same_place(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not post or ("Position", post) in found


def test_a_list_of_names_stops_at_a_place() -> None:
    found = _names("布拖县政协主席吉克阿呷、越西县政协主席马海木发言。")
    assert ("Person", "越西县") not in found


def test_a_name_after_its_description_and_before_a_verb_of_speech() -> None:
    assert ("Person", "高建国") in _names("开小超市的高建国说：“以前总觉得不关我们的事。”")
    assert not any(t == "Person" for t, _ in _names("群众的意见说明了问题。"))


def test_a_roster_of_names_before_their_posts() -> None:
    found = _names("名单：王 芳 县政协常委、桂山乡工委主任 陈国华 县政协委员\n李建平 清水县政协常委 政协松林乡工委主任\n")
    assert {("Person", "王芳"), ("Person", "陈国华"), ("Person", "李建平")} <= found
    assert ("Position", "清水县政协常委") in found
    assert ("Position", "清水县政协松林乡工委主任") in found


def test_a_list_in_quotes_is_no_roster() -> None:
    found = _names("建立“月收集、季协商、年评议”工作机制。县政协主席会议每半年听取一次汇报。")
    assert not any(t == "Person" for t, _ in found)


CREDIT_LINES = [
    # (text, persons) -- the review and writing credits of county sites and WeChat posts
    ("初审：吴海 复审：邓明亮 终审：胡建国\n", {"吴海", "邓明亮", "胡建国"}),
    ("撰稿：罗丹丹\n", {"罗丹丹"}),
    ("供稿：孔令辉\n", {"孔令辉"}),
    # a two-character name padded apart with a space after a cue
    ("责任编辑：柳 青\n", {"柳青"}),
    ("（记者 柳 青）\n", {"柳青"}),
    ("本报讯(晚报客户端记者 柳 青 何佳 宋琪)\n", {"柳青", "何佳", "宋琪"}),
]


@pytest.mark.parametrize(("text", "persons"), CREDIT_LINES)
def test_review_and_writing_credits(text: str, persons: set[str]) -> None:
    assert {("Person", p) for p in persons} <= _names(text)


@pytest.mark.parametrize("text", ["（作者单位：县政协研究室）\n", "记者 王 大 同\n"])
def test_no_name_glued_to_a_credit_or_cut_from_a_longer_spaced_one(text: str) -> None:
    assert not {n for t, n in _names(text) if t == "Person" and n in ("单位", "王大")}


def test_a_democratic_party_committee_before_a_level_word() -> None:
    """盟 of 民盟 is no level word (内蒙古's 盟); a party committee whose place is unknown keeps its written name once."""
    found = _names("省政协副主席、民盟省委主委郑海燕一行到我市调研。九三学社市委主委林涛陪同。")
    assert {("Person", "郑海燕"), ("Position", "民盟省委主委"), ("PartyGovOrgan", "九三学社市委")} <= found
    assert not {n for _, n in found if "九三学社九三学社" in n or n.startswith("盟")}


SUB_ORGAN_DEPUTIES = [
    # (text, post of the first name, post of the second): a deputy after a comma keeps the sub-organ the
    # chain began with, while a post of the body after a 党组 post is the body's
    ("威远县政协召开协商会。县政协办公室主任邝伟，副主任游丽参加。", "威远县政协办公室主任", "威远县政协办公室副主任"),
    ("射洪市政协召开协商会。市政协港澳委主任吴启林，副主任钱丽参加。", "射洪市政协港澳委主任", "射洪市政协港澳委副主任"),
    ("威远县政协召开协商会。县政协党组书记、主席方明，副主席李强出席。", "威远县政协党组书记", "威远县政协副主席"),
]


@pytest.mark.parametrize(("text", "first", "second"), SUB_ORGAN_DEPUTIES)
def test_a_deputy_after_a_comma_keeps_the_sub_organ(text: str, first: str, second: str) -> None:
    found = _names(text)
    assert {("Position", first), ("Position", second)} <= found
    assert ("Position", "威远县政协副主任") not in found and ("Position", "射洪市政协副主任") not in found


ORGAN_POSTS = [
    # (text, organ, post): supervision commissions, party schools, township congress presidia, overseas
    # Chinese federations
    ("威远县政协召开协商会。县纪委书记、县监委主任程子健出席。", "威远县监委", "威远县监委主任"),
    ("威远县政协召开协商会。县委党校常务副校长乔文出席。", "威远县委党校", "威远县委党校常务副校长"),
    ("威远县政协召开协商会。白鹭镇人大主席团主席覃立平出席。", "白鹭镇人大主席团", "白鹭镇人大主席团主席"),
    ("威远县政协召开协商会。县侨联主席晏群发言。", "威远县侨联", "威远县侨联主席"),
]


@pytest.mark.parametrize(("text", "organ", "post"), ORGAN_POSTS)
def test_posts_of_commissions_schools_presidia_and_federations(text: str, organ: str, post: str) -> None:
    found = _names(text)
    assert {("PartyGovOrgan", organ), ("Position", post)} <= found


def test_a_school_head_without_an_organ_is_a_name_without_a_post() -> None:
    found = _names("云溪小学校长王丽娟介绍了情况。")
    assert ("Person", "王丽娟") in found
    assert not any(t == "Position" for t, _ in found)


SPEAKERS = [
    # (text, person): members and leaders as reporters address them, a name closed by a verb of reporting
    ("威远县政协召开协商会。委员钱丽芳说，这件事要办好。", "钱丽芳"),
    ("威远县政协召开协商会。钱丽芳委员说，路灯要尽快装好。", "钱丽芳"),
    ("威远县政协召开协商会。会上，钱丽芳主席指出，要把协商做实。", "钱丽芳"),
    ("威远县政协召开协商会。县政府办公室主任钟雷汇报。", "钟雷"),
]


@pytest.mark.parametrize(("text", "person"), SPEAKERS)
def test_members_and_leaders_addressed_by_title_and_names_before_a_report(text: str, person: str) -> None:
    assert ("Person", person) in _names(text)


@pytest.mark.parametrize("text", ["由乡镇委员小组跟踪督办。", "委员们说，这件事要办好。", "委员会议认为可行。"])
def test_a_member_word_before_no_name_gives_no_person(text: str) -> None:
    assert not any(t == "Person" for t, _ in _names(text))


def test_a_list_of_names_after_a_member_word() -> None:
    found = _names("威远县政协组织调研。委员钱丽芳、孙建业、赵文海参加调研。")
    assert {("Person", "钱丽芳"), ("Person", "孙建业"), ("Person", "赵文海")} <= found
    assert not any(t == "Person" for t, _ in _names("委员单位、成员单位参加。"))


def test_a_town_organ_after_according_to() -> None:
    found = _names("威远县政协组织调研。据白鹭镇党委书记钱丽芳介绍，项目已完工。")
    assert {("Person", "钱丽芳"), ("Position", "白鹭镇党委书记")} <= found
    assert not any(n.startswith("据") for _, n in found)


def test_an_executive_deputy_head_after_the_government_keeps_the_chain() -> None:
    found = _names("威远县政协召开协商会。县委常委、县政府常务副县长邬明出席。")
    assert {("Person", "邬明"), ("Position", "威远县委常委"), ("Position", "威远县常务副县长")} <= found


CHAIN_SUB_ORGANS = [
    # (text, posts): a committee written alone in a chain keeps its deputies; a post of the body after it
    # goes back to the body
    ("威远县政协组织调研。县政协常委、农业农村委主任邬明、副主任卓越到白鹭镇调研。",
     {"威远县政协常委", "威远县政协农业农村委主任", "威远县政协农业农村委副主任"}),
    ("威远县政协召开协商会。县政协秘书长、提案委主任韦启林，副秘书长钱丽芳出席。",
     {"威远县政协秘书长", "威远县政协提案委主任", "威远县政协副秘书长"}),
]


@pytest.mark.parametrize(("text", "posts"), CHAIN_SUB_ORGANS)
def test_deputies_of_a_sub_organ_written_alone_in_a_chain(text: str, posts: set[str]) -> None:
    found = _names(text)
    assert {("Position", p) for p in posts} <= found
    assert ("Position", "威远县政协副主任") not in found and ("Position", "威远县政协提案委副秘书长") not in found


def test_names_listed_before_a_role_after_deng() -> None:
    found = _names("威远县政协组织调研。会上，钱丽芳、孙建业、赵文海等驻镇委员分别发言。")
    assert {("Person", "钱丽芳"), ("Person", "孙建业"), ("Person", "赵文海")} <= found
    assert not any(t == "Person" for t, _ in _names("全体委员、各界代表等委员参加。村干部、群众代表等参加。"))


def test_a_dictionary_word_glued_to_a_role_cue_is_no_name() -> None:
    found = _names("协商会把小区居民关心的事摆上桌面。县政协副主席丘晓岚出席。")
    assert ("Person", "关心") not in found
    assert ("Person", "丘晓岚") in found


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("县政协领导韩立军、汤小燕出席揭牌仪式。", {"韩立军", "汤小燕"}),
        ("区政协机关干部苗青、柯磊参与活动。", {"苗青", "柯磊"}),
        ("县政协委员卫明前往白鹭镇调研。", {"卫明"}),
    ],
)
def test_names_after_a_group_word_and_before_a_verb(text: str, persons: set[str]) -> None:
    found = {name for type_, name in _names(text) if type_ == "Person"}
    assert persons <= found
    assert not {n for n in found if n not in persons and any(n.startswith(p) for p in persons)}


def test_a_word_before_a_colon_in_a_credit_line_is_the_next_label() -> None:
    found = _names("县政协召开协商会。\n编辑：田晓东 来源：白鹭县融媒体中心\n")
    assert ("Person", "田晓东") in found
    assert ("Person", "来源") not in found
    assert ("Publication", "白鹭县融媒体中心") in found


def test_a_role_word_inside_a_longer_word_announces_no_name() -> None:
    found = _names("工作人员把“老旧居民楼加装电梯”协商表发到各家。")
    assert not {name for type_, name in found if type_ == "Person"}


@pytest.mark.parametrize(
    ("text", "person", "posts"),
    [
        ("会议由柯文山（县政协副主席）主持。", "柯文山", {"县政协副主席"}),
        ("会议由苗青（县政协委员、白鹭镇党委书记）主持。", "苗青", {"县政协委员", "白鹭镇党委书记"}),
        ("县水务局党组书记、局长卫东海回应了委员的关切。", "卫东海", set()),
    ],
)
def test_posts_in_brackets_after_the_name_and_a_bureau_head_after_its_party_group(
    text: str, person: str, posts: set[str]
) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert {("Position", p) for p in posts} <= found
    assert not {n for t, n in found if t == "Person" and n != person}


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("县政协召开协商会。\n编辑丨焦小鹿 校对 | 芮文\n图文：甘丽萍 图片：龙悦\n", {"焦小鹿", "芮文", "甘丽萍", "龙悦"}),
        ("会上，苗立新委员建议在渡口增设护栏。", {"苗立新"}),
        ("最后，卫国强副主席作总结讲话。", {"卫国强"}),
        ("省政协副主席韦家和一行来我县调研。", {"韦家和"}),
        ("县政协副主席柯强和一些委员参加。", {"柯强"}),
        ("北宋文学家苏轼曾在此留下诗篇。苏轼的家乡在眉山。", {"苏轼"}),
        ("返乡创业青年祁小龙介绍了合作社的情况。", {"祁小龙"}),
    ],
)
def test_credit_labels_addressed_members_and_name_edges(text: str, persons: set[str]) -> None:
    assert {name for type_, name in _names(text) if type_ == "Person"} == persons


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("白鹭县政协的做法被湖南卫视报道。", "湖南卫视"),
        ("江东电视台《江东新闻联播》播出了这一消息。", "江东新闻联播"),
    ],
)
def test_outlets_named_in_running_text(text: str, outlet: str) -> None:
    assert ("Publication", outlet) in _names(text)


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("全程参与协商的洪思远、蔡雨萌两位委员介绍了经过。", {"洪思远", "蔡雨萌"}),
        ("会议邀请谢天华律师解答居民疑问。", {"谢天华"}),
        ("他叫邹小军，是一名快递员。", {"邹小军"}),
        ("组织建筑、法律界委员常态化参与小区议事。", set()),
    ],
)
def test_names_before_a_counted_role_or_a_profession(text: str, persons: set[str]) -> None:
    assert {name for type_, name in _names(text) if type_ == "Person"} == persons


def test_heads_of_courts_procuratorates_and_libraries_are_posts() -> None:
    found = _names("县人民检察院检察长汤明远、县政协专职委员程雪出席。")
    assert {("Person", "汤明远"), ("Position", "县人民检察院检察长"), ("Person", "程雪")} <= found


def test_a_committee_account_named_in_running_text() -> None:
    found = _names("县政协召开协商会。更多内容请关注江北政协微信公众号。")
    assert ("Publication", "江北政协") in found
    assert ("Publication", "县政协") not in found


def test_a_collection_in_title_marks_is_a_publication() -> None:
    found = _names("县政协委员柯明与友人合编《竹溪诗集》，收录了百余首作品。")
    assert ("Publication", "竹溪诗集") in found


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("民盟县委副主委兼秘书长应邀参加了会议。", set()),
        ("钟雨鸣主席参加了座谈会。", {"钟雨鸣"}),
        ("下午，祁海县长察看了渡口。", {"祁海"}),
        ("成员单位参加。", set()),
    ],
)
def test_addressed_leaders_and_verbs_that_are_no_names(text: str, persons: set[str]) -> None:
    assert {name for type_, name in _names(text) if type_ == "Person"} == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("会议由高奕然区长主持。", {"高奕然"}),
        ("会议由李强书记主持。", {"李强"}),
        ("大家向王明远主任汇报了进展。", {"王明远"}),
        ("会议由大家轮流主持。", set()),
    ],
)
def test_an_addressed_leader_after_a_preposition(text: str, persons: set[str]) -> None:
    assert {name for type_, name in _names(text) if type_ == "Person"} == persons


def test_a_paper_calling_itself_this_paper_names_no_outlet() -> None:
    from kg.ingest.meta import describe
    from kg.ingest.script import simplify

    text = "县政协召开协商会\n县政协近日召开协商会。\n（本报记者 赵丽英）\n"
    found = _names(text)
    assert ("Person", "赵丽英") in found
    assert not {n for t, n in found if t == "Publication"}
    assert describe(text, simplify(text))[1] is None
    other = "县政协召开协商会\n县政协近日召开协商会。\n（本溪日报记者 赵丽英）\n"
    assert describe(other, simplify(other))[1] == "本溪日报"


def _held(text: str) -> set[tuple[str, str]]:
    return {(r.subject[1], r.object[1]) for r in extract_text(text).relations if r.predicate == "holdsPosition"}


HONG_KONG_AND_MACAU_POSTS = [
    # (text, person, posts held): a post named whole (立法会议员) is no post of the organ the chain began
    # with; a known association's short name (民建联, 工联会) or one ending in a head word (同乡会) makes
    # a post of its own
    ("港区全国政协委员、立法会议员、民建联主席郭思远出席座谈会。", "郭思远", {"全国政协委员", "立法会议员", "民建联主席"}),
    ("全国政协委员、工联会副会长简慧文表示支持。", "简慧文", {"全国政协委员", "工联会副会长"}),
    ("行政会议成员、立法会议员区永康在会上发言。", "区永康", {"行政会议成员", "立法会议员"}),
    ("澳区全国政协委员、潮州同乡会会长冯景辉建议加强交流。", "冯景辉", {"全国政协委员", "潮州同乡会会长"}),
    ("中联办副主任戴明轩出席活动。", "戴明轩", {"中联办副主任"}),
    ("澳门中华教育会理事长龙子谦出席。", "龙子谦", {"澳门中华教育会理事长"}),
    ("特首甄立诚出席并致辞。", "甄立诚", {"特首"}),
    ("出席的还有九龙社团联会会长梁启东，以及澳门工会联合总会理事长欧志坚。", "欧志坚", {"澳门工会联合总会理事长"}),
    ("澳门特区政府保安司司长容家栋致辞。", "容家栋", {"澳门特区政府保安司司长"}),
    ("特区政府财政司司长韦俊朗表示欢迎。", "韦俊朗", {"财政司司长"}),
]


@pytest.mark.parametrize(("text", "person", "posts"), HONG_KONG_AND_MACAU_POSTS)
def test_hong_kong_and_macau_posts(text: str, person: str, posts: set[str]) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert {("Position", p) for p in posts} <= found
    assert {(person, p) for p in posts} <= _held(text)
    assert not {name for type_, name in found if type_ == "Position" and name.startswith("全国政协立法会")}


def test_hong_kong_and_macau_organs_named_in_posts() -> None:
    found = _names("立法会议员甘志成、中联办副主任戴明轩出席活动。")
    assert {("PartyGovOrgan", "立法会"), ("PartyGovOrgan", "中联办")} <= found
    assert {("Position", "立法会议员"), ("Position", "中联办副主任")} <= found


def test_a_department_written_after_a_lexicon_organ() -> None:
    found = _names("中联办社会工作部部长邬振邦在会上致辞。")
    assert {("PartyGovOrgan", "中联办社会工作部"), ("PartyGovOrgan", "中联办")} <= found
    assert ("Position", "中联办社会工作部部长") in found


@pytest.mark.parametrize(
    ("text", "post"),
    [
        # the one committee the document names is the member's; with two, the post stays as written
        ("平昌县政协召开协商会。政协委员邬春燕建议增设公交站点。", "平昌县政协委员"),
        ("全国政协和平昌县政协联合调研。政协委员邬春燕建议增设公交站点。", "政协委员"),
    ],
)
def test_a_bare_cppcc_member_before_a_name(text: str, post: str) -> None:
    found = _names(text)
    assert ("Person", "邬春燕") in found
    assert ("Position", post) in found
    assert ("邬春燕", post) in _held(text)


def test_a_bare_cppcc_member_without_a_name_is_no_post() -> None:
    found = _names("平昌县政协召开协商会，政协委员、居民代表、商户代表二十余人参加。")
    assert not {name for type_, name in found if type_ in ("Person", "Position")}


def test_a_member_of_the_legislature_addressed_after_the_name() -> None:
    found = _names("座谈会上，关卓铭议员指出，要加快审批。")
    assert ("Person", "关卓铭") in found


CHAIN_POSTS = [
    # (text, person, posts that must be found, entity that must not be found) -- made-up sentences
    # a village's or community's own committee written alone in a chain is named with the chain's place
    ("青石县政协召开协商会。松溪村党支部书记、村委会主任黄志强介绍了情况。", "黄志强",
     {"松溪村党支部书记", "松溪村村委会主任"}, ""),
    ("青石县政协召开协商会。红星社区党委书记、居委会主任周敏说，议事会每月开一次。", "周敏",
     {"红星社区党委书记", "红星社区居委会主任"}, ""),
    # honorary posts
    ("宁海县政协名誉主席郑德高出席会议。", "郑德高", {"宁海县政协名誉主席"}, ""),
    # the posts before a described post of a body we do not know stay the person's
    ("宁海县政协召开协商会。县政协委员、县工商联副主席、某公司董事长赵飞发言。", "赵飞",
     {"宁海县政协委员", "宁海县工商联副主席"}, ""),
    # a democratic party's unit below its committees; its 主委 is no department
    ("宁海县政协常委、民建县总支委员会主委林涛发言。", "林涛",
     {"宁海县政协常委", "民建宁海县总支委员会主委"}, "宁海县政协民建县总支委员会"),
    ("九三学社宁海县支社主委王强出席。", "王强", {"九三学社宁海县支社主委"}, "宁海县支社主委"),
    # a committee's long short name before a title
    ("宁海县政协社会和法制委主任李明、港澳台侨和外事委副主任王刚出席。", "李明",
     {"宁海县政协社会和法制委主任", "宁海县政协港澳台侨和外事委副主任"}, ""),
    ("市政协秘书长、人口资源环境委主任吴启林率队调研", "吴启林", {"市政协人口资源环境委主任"}, ""),
]


@pytest.mark.parametrize(("text", "person", "posts", "wrong"), CHAIN_POSTS)
def test_posts_in_title_chains(text: str, person: str, posts: set[str], wrong: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert {("Position", p) for p in posts} <= found
    assert not wrong or not any(name == wrong for _, name in found)


def test_a_by_line_separated_by_a_vertical_bar() -> None:
    found = _names("委员们提出了建议。\n供稿︱王 涛\n编审︱黄 姗")
    assert {("Person", "王涛"), ("Person", "黄姗")} <= found


def test_a_clause_after_a_committee_is_no_committee() -> None:
    found = _names("县政协调研组走访县委书记李明。")
    assert not any(t == "CPPCCBody" and n != "县政协" for t, n in found)


ADDRESSED = [
    # (text, persons that must be found) -- a name before its addressed title, with no verb of speech after
    ("会上，马建华、罗伟强、胡文杰委员对这项工作表示支持。", {"马建华", "罗伟强", "胡文杰"}),
    ("王建国主席对此给予肯定。", {"王建国"}),
    ("韩泽民副主席、刘平副主席分别传达了会议精神。", {"韩泽民", "刘平"}),
    ("会上，李明委员的提案得到采纳。", {"李明"}),
    # a verb of going or visiting after the title, like a verb of speech
    ("周海涛副主席来到松林村，察看村级议事室建设。", {"周海涛"}),
    ("郑晓梅委员深入菜场摊位了解情况。", {"郑晓梅"}),
    ("罗德胜主席赴白沙镇调研。", {"罗德胜"}),
    # one short word between the title and the verb
    ("廖志远副主席先后前往石门镇、花溪乡督导检查。", {"廖志远"}),
    ("钟丽萍委员实地察看了渠道修缮情况。", {"钟丽萍"}),
]


@pytest.mark.parametrize(("text", "persons"), ADDRESSED)
def test_names_before_addressed_titles(text: str, persons: set[str]) -> None:
    assert {("Person", p) for p in persons} <= _names(text)


def test_and_between_holders_of_posts_of_one_body() -> None:
    found = _names("宁海县政协召开协商会。县政协主席魏敏和副主席黄亚庆带队走访。")
    assert {("Person", "黄亚庆"), ("Position", "宁海县政协副主席")} <= found


def test_committee_on_members_work_after_a_chain() -> None:
    found = _names("宁海县政协常委、委员委主任黄兵出席。宁海县政协委员工作委主任周杰出席。")
    assert {("Position", "宁海县政协常委"), ("Position", "宁海县政协委员委主任"),
            ("Position", "宁海县政协委员工作委主任"), ("Person", "周杰")} <= found


def test_one_of_between_a_post_and_the_name() -> None:
    assert ("Person", "何平") in _names("县政协委员、界别召集人之一何平发言。")


def test_a_surname_and_a_word_of_address_after_a_role_word_is_no_name() -> None:
    found = _names("“这下好了！”村民李大爷笑着说。")
    assert not any(t == "Person" for t, _ in found)


def test_party_membership_between_posts_and_the_name() -> None:
    found = _names("宁海县政协召开协商会。市政协委员、民建会员黄丽芳建议加快推进。")
    assert ("Person", "黄丽芳") in found


OTHER_ORGANS_POSTS = [
    # (text, person, posts that must be found) -- made-up sentences
    # a government or congress organ's Party group: its secretary, and the organ's own head after 、
    ("宁海县发改局党组书记、局长郑涛汇报。", "郑涛", {"宁海县发改局党组书记", "宁海县发改局局长"}),
    ("宁海县人大常委会党组副书记、副主任马丽出席。", "马丽", {"宁海县人大常委会党组副书记", "宁海县人大常委会副主任"}),
    ("宁海县委统战部副部长、县工商联党组书记陈军参加。", "陈军", {"宁海县工商联党组书记"}),
    # a court's president; an office of the civilisation campaign
    ("宁海县法院院长周平参加。", "周平", {"宁海县法院院长"}),
    ("宁海县委宣传部副部长、县文明办主任李华陪同。", "李华", {"宁海县文明办主任"}),
    # 村主任 written alone after the village's Party branch
    ("青石县政协召开协商会。松溪村党支部书记、村主任黄明介绍。", "黄明", {"松溪村村主任"}),
    # a department of a lexicon organ that a title follows
    ("中联办协调部副部长王建峰出席。", "王建峰", {"中联办协调部副部长"}),
]


@pytest.mark.parametrize(("text", "person", "posts"), OTHER_ORGANS_POSTS)
def test_posts_of_party_groups_and_other_organs(text: str, person: str, posts: set[str]) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert {("Position", p) for p in posts} <= found


NAME_LISTS = [
    # (text, persons that must be found) -- names alone in lists of made-up reports
    ("优秀政协委员名单（10名）\n王 芳  李明华  张 强  刘洋洋  陈 东\n", {"王芳", "李明华", "张强", "刘洋洋", "陈东"}),
    ("表彰名单如下：\n王芳、李明华、张强、刘洋、陈东\n", {"王芳", "李明华", "张强", "刘洋", "陈东"}),
    ("参加调研的委员有：王芳、李明华、张强。", {"王芳", "李明华", "张强"}),
    ("获奖委员：王芳、李明华等10人。", {"王芳", "李明华"}),
    ("出席会议的有王明、李华、张强。", {"王明", "李华", "张强"}),
    ("陪同调研的还有刘洋、陈东等。", {"刘洋", "陈东"}),
]


@pytest.mark.parametrize(("text", "persons"), NAME_LISTS)
def test_names_alone_in_lists(text: str, persons: set[str]) -> None:
    assert {("Person", p) for p in persons} <= _names(text)


@pytest.mark.parametrize(
    "text", ["议题包括：路灯、停车、绿化。", "主要做法：梳理、协商、落实。", "学习 贯彻 落实\n", "参加的还有路灯、停车、绿化。"]
)
def test_lists_of_words_are_no_names(text: str) -> None:
    assert not any(t == "Person" for t, _ in _names(text))


def test_every_post_of_a_roster_line_is_the_name_s() -> None:
    found = _names("名单\n王 芳 县政协常委、桂山乡工委主任\n陈国栋 县政协委员、白鹭镇党委书记\n")
    assert {("Position", "白鹭镇党委书记"), ("Person", "陈国栋"), ("Person", "王芳")} <= found


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("县政协委员、青山茶叶专业合作社理事长王明说，效益好了。", "青山茶叶专业合作社理事长"),
        ("县政协委员、县人民医院院长吴刚建议增设门诊。", "县人民医院院长"),
        ("松溪村村民议事会会长王大山说，大家都同意。", "松溪村村民议事会会长"),
    ],
)
def test_posts_of_cooperatives_councils_and_hospitals(text: str, post: str) -> None:
    assert ("Position", post) in _names(text)


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("白鹭镇司法所所长王强说，调解了三起纠纷。", "白鹭镇司法所所长"),
        ("县政协常委、江东日报驻县记者站站长李文出席。", "江东日报驻县记者站站长"),
        ("县社会治理服务中心主任刘丽介绍了情况。", "县社会治理服务中心主任"),
    ],
)
def test_posts_of_stations_offices_and_centres(text: str, post: str) -> None:
    assert ("Position", post) in _names(text)


def test_a_community_s_head_named_with_the_community() -> None:
    assert ("Position", "光明社区书记") in _names("光明社区书记李红介绍了情况。")


def test_a_congress_deputy_is_a_post_after_the_congress() -> None:
    found = _names("全国人大代表、松溪村党委书记王明说。宁海县人大代表李华表示支持。居民代表王芳发言。")
    assert {("Position", "全国人大代表"), ("Position", "宁海县人大代表"), ("Person", "李华"), ("Person", "王芳")} <= found
    assert not any(t == "Position" and n.endswith("居民代表") for t, n in found)


@pytest.mark.parametrize(
    ("text", "person", "post"),
    [
        ("王明是松溪村党支部书记，也是县政协委员。", "王明", "松溪村党支部书记"),
        ("宁海县政协召开常委会。李华同志任县政协秘书长。", "李华", "宁海县政协秘书长"),
        ("王明，男，汉族，宁海县政协委员。", "王明", ""),
        ("李华（女，1975年生）现任县政协委员。", "李华", ""),
    ],
)
def test_names_before_a_copula_an_office_or_a_biography(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not post or ("Position", post) in found


@pytest.mark.parametrize("text", ["他是县政协委员。", "这是县政协主席的职责。", "村里的老人，男，70岁。"])
def test_no_name_before_a_copula_without_one(text: str) -> None:
    assert not any(t == "Person" for t, _ in _names(text))


@pytest.mark.parametrize(
    ("text", "person"),
    [("王明副县长指出，要抓好落实。", "王明"), ("吴刚副局长汇报了工作。", "吴刚"), ("何平院长介绍了情况。", "何平")],
)
def test_a_deputy_s_addressed_title_is_not_part_of_the_name(text: str, person: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not any(t == "Person" and n.endswith("副") for t, n in found)


def test_a_word_after_an_addressed_title_without_a_verb_is_no_address() -> None:
    assert not any(t == "Person" for t, _ in _names("方明主席团成员参加了会议。"))


def test_one_person_s_chains_of_posts_across_a_comma() -> None:
    found = _names("市政协党组成员、副主席，市委统战部部长王明出席。")
    assert {("Position", "市政协党组成员"), ("Position", "市政协副主席"), ("Position", "市委统战部部长")} <= found


def test_a_comma_after_a_name_starts_the_next_person_s_posts() -> None:
    holds = {(r.subject[1], r.object[1]) for r in extract_text("县政协主席王明，县委副书记李华出席。").relations
             if r.predicate == "holdsPosition"}
    assert ("王明", "县委副书记") not in holds


@pytest.mark.parametrize(
    ("text", "persons"),
    [("宁海新闻网消息（王明）近日，县政协召开会议。", {"王明"}), ("本报讯（李娟 何佳）近日，委员们走进社区。", {"李娟", "何佳"})],
)
def test_names_in_brackets_after_a_dateline(text: str, persons: set[str]) -> None:
    assert {("Person", p) for p in persons} <= _names(text)


def test_title_finder_finds_what_the_title_pattern_finds() -> None:
    """_title_matches reads the titles leftmost-longest with ahocorasick_rs in place of the alternation of
    _titles (longest first): the same matches on random texts of titles, parts of titles and other
    characters, and on a sentence of the genre."""
    import random

    from kg.extract import people

    pattern, kinds = people._titles()
    finder = people._title_finder()

    def both(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        return [m.span() for m in pattern.finditer(text)], [(a, b) for _, a, b in finder.find_matches_as_indexes(text)]

    sentence = "县政协副主席、党组副书记王建华，市政协常委、秘书长刘芳参加调研。"
    regex, found = both(sentence)
    assert regex == found and len(found) >= 4
    titles = sorted(kinds)
    others = ["，", "、", "的", "副", "长", "主", "委", "员", "县", "政协", " ", "\n"]
    rng = random.Random(7)
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 10)):
            title = rng.choice(titles)
            cut = rng.randint(1, len(title))
            parts.append(rng.choice([title, title, title[:cut], title[cut - 1 :], rng.choice(others)]))
        text = "".join(parts)
        regex, found = both(text)
        assert regex == found, text


def test_name_list_expressions_find_what_the_plain_ones_find() -> None:
    """_LISTED_NAMES, written to start with a character class, matches what its plain form matches; lines of
    spaced names, tried at line starts only (rxgate.after_marks), are finditer's matches; a text without
    the unit of an age holds no age. Random texts of list pieces and the sample corpus."""
    import random
    import re

    from kg.extract import people
    from kg.rxgate import after_marks

    from .conftest import CORPUS

    plain = re.compile(
        r"(?:[：:\n]|(?<=[的还])有)[ \u3000]*([\u4e00-\u9fff·]{2,6}?(?:、[\u4e00-\u9fff·]{2,6}?)+)(?=[。；;，,\n]|等|$)"
    )
    pieces = ["：", ":", "\n", "有", "的有", "还有", "没有", "王芳", "李明华", "张", "、", " ", "\u3000", "等", "，", "。", "·",
              "73岁", "的", "委员"]
    rng = random.Random(13)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 18))) for _ in range(5000)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]

    def found(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
        return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]

    for text in texts:
        assert found(people._LISTED_NAMES.finditer(text)) == found(plain.finditer(text)), text
        spaced = people._SPACED_LINE
        assert found(after_marks(spaced, "\n", text)) == found(spaced.finditer(text)), text
        if not any(unit in text for unit in people.titles_of("age")):
            assert not list(people._age().finditer(text)), text
