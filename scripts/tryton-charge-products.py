#!/usr/bin/env python3
"""Creates the service products orderflow books shipping charges and discounts on, in a Tryton 6.0 database
(orderflow.erp.charges.shipping-product / discount-product, default codes SHIPPING and DISCOUNT), in the product
category whose customer taxes they should carry. Idempotent: an existing code is left as it is.

Usage: scripts/tryton-charge-products.py [URL] [DATABASE] [USER] [PASSWORD] [CATEGORY]
Defaults fit ../shared/tryton/setup.sh: http://127.0.0.1:8000 orderflow admin admin "Shop goods".
"""
import base64
import json
import sys
import urllib.request

url, db, user, password, category = (sys.argv[1:] + [None] * 5)[:5]
url, db, user = url or "http://127.0.0.1:8000", db or "orderflow", user or "admin"
password, category = password or "admin", category or "Shop goods"
auth = None


def rpc(method, params):
    request = urllib.request.Request(f"{url}/{db}/", data=json.dumps({"method": method, "params": params, "id": 1}).encode(),
                                     headers={"Content-Type": "application/json", **({"Authorization": auth} if auth else {})})
    answer = json.load(urllib.request.urlopen(request))
    if answer.get("error"):
        sys.exit(f"{method}: {answer['error'][:2]}")
    return answer["result"]


uid, session = rpc("common.db.login", [user, {"password": password}, "en"])
auth = "Session " + base64.b64encode(f"{user}:{uid}:{session}".encode()).decode()
ctx = rpc("model.res.user.get_preferences", [True, {}])
ctx = {"company": ctx["company"], "language": "en"}
unit = rpc("model.product.uom.search", [[["name", "=", "Unit"]], 0, 1, None, ctx])[0]
categories = rpc("model.product.category.search", [[["name", "=", category]], 0, 1, None, ctx])
if not categories:
    sys.exit(f"no product category {category!r}")
for code, name in [("SHIPPING", "Shipping"), ("DISCOUNT", "Discount")]:
    if rpc("model.product.product.search", [[["code", "=", code]], 0, 1, None, ctx]):
        print(f"{code}: exists")
        continue
    rpc("model.product.template.create", [[{
        "name": name, "code": code, "type": "service", "default_uom": unit, "sale_uom": unit, "salable": True,
        "list_price": {"__class__": "Decimal", "decimal": "0"}, "account_category": categories[0],
        "products": [["create", [{}]]]}], ctx])
    print(f"{code}: created")
