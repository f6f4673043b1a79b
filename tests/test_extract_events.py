"""Events written in fixed forms, over scopes, quotes and 暨 (kg.extract.events, kg.extract.terms)."""

from __future__ import annotations

import pytest

from kg.extract import extract_text


def _events(text: str) -> dict[str, set[str]]:
    return {e.name: e.aliases for e in extract_text(text).entities if e.type == "Event" and e.mentions}


FOUND = [
    # (text, event, alias or "") -- made-up sentences of the shapes real reports use
    # numbered sessions with the organiser written attached
    ("政协眉山市第六届委员会第三次会议隆重开幕。", "政协眉山市第六届委员会第三次会议", ""),
    ("资阳市政协四届二次会议胜利闭幕。", "资阳市政协四届二次会议", ""),
    ("市政协召开五届十二次主席会议。", "五届十二次主席会议", ""),
    # a standing committee's session in the formal form; sittings numbered without a term; a people's
    # congress's session and a Party congress named with the place or level word before them
    ("政协桐岭县第九届委员会常务委员会第六次会议召开。", "政协桐岭县第九届委员会常务委员会第六次会议", ""),
    ("全国政协第三十一次主席会议在京召开。", "全国政协第三十一次主席会议", ""),
    ("区政协召开2025年第二次主席会议。", "2025年第二次主席会议", ""),
    ("委员们列席县第十七届人大第二次会议开幕式。", "县第十七届人大第二次会议", ""),
    ("认真学习贯彻省第十三次党代会精神。", "省第十三次党代会", ""),
    ("会议传达了绵竹市第十五次党代会精神。", "绵竹市第十五次党代会", ""),
    # a series' meeting with the series' quoted name before it
    ("区政协“街巷议事会”第三季度议事会在东门社区召开。", "街巷议事会第三季度议事会", ""),
    ("10日，“百姓说事”2025年第二期议事会举行。", "百姓说事2025年第二期议事会", ""),
    # … or with the turn written before the series' quoted name
    ("第四场“茶亭议事”协商会在松岭村举行。", "第四场茶亭议事协商会", ""),
    ("镇里举行2025年第二期“枫下说事”议事会。", "2025年第二期枫下说事议事会", ""),
    # quoted names of trainings and retreats
    ("县政协组织委员参加“履职赋能”专题培训。", "履职赋能专题培训", ""),
    ("区政协召开“开局谋新”务虚会。", "开局谋新务虚会", ""),
    # campaigns: the committee or members of it going somewhere, or taking something there
    ("区政协开展政协走进校园活动。", "政协走进校园活动", ""),
    ("区政协组织开展送文化下乡活动。", "送文化下乡活动", ""),
    # a scope written before a name belongs to it, the form without it is an alias; verbs stay out of it
    ("会议通报了全区“邻里议事汇”示范点评选结果。", "全区邻里议事汇示范点评选", "“邻里议事汇”示范点评选"),
    ("区政协召开全区基层协商工作现场会。", "全区基层协商工作现场会", ""),
    ("近日，省政协启动实施同心共建美丽家园专项行动。", "同心共建美丽家园专项行动", ""),
    # a year written before a name in digits; anniversaries commemorated as well as celebrated
    ("区政协举办2025年度委员履职能力培训班。", "2025年度委员履职能力培训班", ""),
    ("市政协召开纪念人民政协成立75周年座谈会。", "纪念人民政协成立75周年座谈会", ""),
    # a session with the term written before the place (政协第N届X县委员会第N次会议)
    ("圆满完成政协第九届桐岭县委员会第三次会议各项议程。", "政协第九届桐岭县委员会第三次会议", ""),
    # quoted activities of more kinds (活动周, 主题实践活动, 摄影展, 分享会, 峰会, 典礼 …)
    ("组织委员参加“同心履职活动周”。", "同心履职活动周", ""),
    ("开展“振兴乡村·委员同行”主题实践活动。", "振兴乡村·委员同行主题实践活动", ""),
    ("举办“山水同心”书画摄影展。", "山水同心书画摄影展", ""),
    ("委員出席「全民守法」啟動禮。", "全民守法启动礼", ""),
    ("协会举办「湾区青年成长」分享会。", "湾区青年成长分享会", ""),
    ("区政协举办“书香同心”读书分享会。", "书香同心读书分享会", ""),
    # Party congresses, plenary sessions, central work conferences, campaigns
    ("会议学习了党的十九大和县委九届四次全会精神。", "党的十九大", ""),
    ("会议学习了党的十九大和县委九届四次全会精神。", "县委九届四次全会", ""),
    ("县政协机关学习贯彻三中全会精神。", "三中全会", ""),
    ("认真贯彻中央政协工作会议精神和省委政协工作会议部署。", "省委政协工作会议", ""),
    ("扎实开展党史学习教育。", "党史学习教育", ""),
    # a meeting of a series
    ("县政协在古楼村举行2024年第二场院坝协商会。", "2024年第二场院坝协商会", ""),
    # the scope written before a quoted brand belongs to the name; the form without it is an alias
    ("在全县政协系统“有事共商量”工作交流座谈会上的讲话", "全县政协系统有事共商量工作交流座谈会", ""),
    ("在全区政协“有事来协商”工作观摩会上作交流。", "全区政协有事来协商工作观摩会", "“有事来协商”工作观摩会"),
    # a quoted brand before an unquoted meeting name
    ("省政协召开“陇上好商量”议事平台提质扩面工作推进会。", "陇上好商量议事平台提质扩面工作推进会", ""),
    # A暨B is one event with A and B as aliases; the same session written short elsewhere is filed with it
    (
        "市政协召开四届七次主席会议暨全市政协系统“有事共商量”工作座谈会\n"
        "9月16日，政协眉山市第四届委员会第七次主席会议暨全市政协系统“有事共商量”工作座谈会召开。",
        "政协眉山市第四届委员会第七次主席会议暨全市政协系统有事共商量工作座谈会",
        "四届七次主席会议",
    ),
    # national sessions: 全国政协 written attached, the full committee name, another body's session kept apart
    ("全国政协十五届三次会议在北京闭幕。", "全国政协十五届三次会议", ""),
    ("政协岚溪市第九届委员会第二次会议开幕。", "政协岚溪市第九届委员会第二次会议", ""),
    ("政协第十五届全国委员会第三次会议开幕。", "政协第十五届全国委员会第三次会议", ""),
    ("十五届全国人大三次会议期间，代表们积极履职。", "十五届全国人大三次会议", ""),
    ("会议传达了全国政协十五届常委会第七次会议精神。", "全国政协十五届常委会第七次会议", ""),
    # anniversaries, national campaigns and the two sessions
    ("庆祝香港回归祖国30周年大会举行。", "庆祝香港回归祖国30周年大会", ""),
    ("深入开展不忘初心、牢记使命主题教育。", "不忘初心、牢记使命主题教育", ""),
    ("返港后分享出席全国两会的体会。", "全国两会", ""),
    # campaigns of members written without quotes; quoted activities of more kinds
    ("县政协开展委员进园区活动。", "委员进园区活动", ""),
    ("县司法局开展送法进校园活动。", "送法进校园活动", ""),
    ("把培训纳入全市电商进乡村项目。", "电商进乡村项目", ""),
    ("镇里举办“乡村振兴”理论研讨会。", "乡村振兴理论研讨会", ""),
    ("市政协举行“同心桥”论坛。", "同心桥论坛", ""),
    # 暨 ends a meeting's name; an unquoted platform's name before a meeting and a scope after 暨 belong to it
    (
        "县政协召开九届五次常委会议暨全县有事来协商工作推进会。",
        "九届五次常委会议暨全县有事来协商工作推进会",
        "有事来协商工作推进会",
    ),
    ("全州政协系统有事来协商工作现场推进会召开。", "全州政协系统有事来协商工作现场推进会", ""),
]


@pytest.mark.parametrize(("text", "event", "alias"), FOUND)
def test_events_found(text: str, event: str, alias: str) -> None:
    found = _events(text)
    assert event in found, sorted(found)
    assert not alias or alias in found[event]


def test_a_joined_meeting_is_one_event() -> None:
    found = _events("9月16日，政协眉山市第四届委员会第七次主席会议暨全市政协系统“有事共商量”工作座谈会召开。")
    assert len(found) == 1
    [aliases] = found.values()
    assert {"政协眉山市第四届委员会第七次主席会议", "全市政协系统“有事共商量”工作座谈会"} <= aliases


NOT_FOUND = [
    # (text, a name that must not be an event)
    ("据统计，这已是本年度举办的第14场“有事来协商”活动。", "有事来协商活动"),
    ("围绕“背街小巷路灯增设”召开专题协商会。", "背街小巷路灯增设召开专题协商会"),
    ("今后，我们要以本次现场推进会为新起点。", "以本次现场推进会"),
    ("2020年是“十三五”规划收官之年。", "十三五规划收官之年"),
    ("会议传达学习市政协“有事共商量”工作现场观摩会精神。", "会议传达学习市政协有事共商量工作现场观摩会"),
    ("委员进社区开展活动。", "委员进社区开展活动"),
    # a kind of meeting is no meeting with a name of its own
    ("区政协召开专题座谈会，听取各方意见。", "专题座谈会"),
    ("与会人员参加了交流座谈会。", "交流座谈会"),
    # a verb of attending ends what a meeting's name reaches back over
    ("港区委员昨日出席座谈会。", "港区委员昨日出席座谈会"),
]


def test_sessions_of_other_bodies_stay_apart() -> None:
    found = _events("全国政协十五届三次会议和十五届全国人大三次会议先后开幕。")
    assert {"全国政协十五届三次会议", "十五届全国人大三次会议"} <= set(found)


@pytest.mark.parametrize(("text", "wrong"), NOT_FOUND)
def test_events_not_found(text: str, wrong: str) -> None:
    assert wrong not in _events(text)


def test_a_case_series_is_an_event() -> None:
    assert "破解老街停车难系列协商" in _events("优秀案例：破解老街停车难系列协商。")
