"""Every demo complaint situation, in a fixed order (the seed's random draws depend on it)."""

from __future__ import annotations

from demo.data.scenarios_agency import AGENCY
from demo.data.scenarios_auction import AUCTION
from demo.data.scenarios_auto import AUTO
from demo.data.scenarios_home_goods import HOME_GOODS
from demo.data.scenarios_home_service import HOME_SERVICE
from demo.data.scenarios_home_store import HOME_STORE

# --- places and products ------------------------------------------------------------------------

STORES = {
    "home": ("华景家居广场（徐汇店）", "华景家居广场（浦东店）", "华景家居广场（闵行店）"),
    "auto": ("华景汽车4S店（闵行）", "华景汽车4S店（嘉定）"),
    "auction": ("华景拍卖秋季拍卖会", "华景拍卖春季拍卖会", "华景拍卖网络专场"),
    "agency": ("华景企业服务中心",),
}

SCENARIOS = [*HOME_GOODS, *HOME_STORE, *HOME_SERVICE, *AUTO, *AUCTION, *AGENCY]
