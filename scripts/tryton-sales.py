#!/usr/bin/env python3
"""Lists the sales orderflow created in a Tryton 6.0 database: reference (channel-number), Tryton number, state,
total, and the state of their customer shipments. A look into the ERP without the Tryton desktop client.

Usage: scripts/tryton-sales.py [URL] [DATABASE] [USER] [PASSWORD]
Defaults fit ../shared/tryton/setup.sh: http://127.0.0.1:8000 orderflow admin admin.
"""
import base64
import json
import sys
import urllib.request

url, db, user, password = (sys.argv[1:] + [None] * 4)[:4]
url, db, user, password = url or "http://127.0.0.1:8000", db or "orderflow", user or "admin", password or "admin"
auth = None


def rpc(method, params):
    request = urllib.request.Request(f"{url}/{db}/", data=json.dumps({"method": method, "params": params, "id": 1}).encode(),
                                     headers={"Content-Type": "application/json", **({"Authorization": auth} if auth else {})})
    answer = json.load(urllib.request.urlopen(request))
    if answer.get("error"):
        sys.exit(f"{method}: {answer['error'][:2]}")
    return answer["result"]


def amount(value):
    return value["decimal"] if isinstance(value, dict) else value


uid, session = rpc("common.db.login", [user, {"password": password}, "en"])
auth = "Session " + base64.b64encode(f"{user}:{uid}:{session}".encode()).decode()
preferences = rpc("model.res.user.get_preferences", [True, {}])
ctx = {"company": preferences["company"], "language": "en"}
sales = rpc("model.sale.sale.search_read", [[["reference", "!=", None]], 0, 200, [["id", "DESC"]],
                                           ["reference", "number", "state", "total_amount", "shipments"], ctx])
print(f"{'reference':<28} {'number':<8} {'state':<11} {'total':>10}  shipments")
for sale in sales:
    shipments = rpc("model.stock.shipment.out.read", [sale["shipments"], ["number", "state"], ctx]) if sale["shipments"] else []
    shipped = ", ".join(f"{s['number']} {s['state']}" for s in shipments) or "-"
    print(f"{sale['reference']:<28} {sale['number'] or '-':<8} {sale['state']:<11} {amount(sale['total_amount']):>10}  {shipped}")
