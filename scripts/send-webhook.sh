#!/usr/bin/env bash
# Sends a file to orderflow as a correctly signed shop webhook, the way Shopify or WooCommerce would.
#
#   scripts/send-webhook.sh shopify     CHANNEL SECRET TOPIC FILE [URL]
#   scripts/send-webhook.sh woocommerce CHANNEL SECRET TOPIC FILE [URL]
#
# e.g. scripts/send-webhook.sh shopify demo-shopify demo-shopify-secret orders/create my-order.json
# The signature is base64(HMAC-SHA256(secret, exact file bytes)); each call is a new delivery (fresh event id).
# Send the same delivery twice with EVENT_ID=... set to see duplicate detection at work.
set -euo pipefail
[ $# -ge 5 ] || { sed -n '2,10p' "$0"; exit 2; }
type=$1 channel=$2 secret=$3 topic=$4 file=$5 url=${6:-http://localhost:8080}
event_id=${EVENT_ID:-$(cat /proc/sys/kernel/random/uuid)}
signature=$(openssl dgst -sha256 -hmac "$secret" -binary < "$file" | base64 -w0)
case "$type" in
  shopify) headers=(-H "X-Shopify-Topic: $topic" -H "X-Shopify-Hmac-Sha256: $signature"
                    -H "X-Shopify-Shop-Domain: $channel.myshopify.com" -H "X-Shopify-API-Version: 2026-04"
                    -H "X-Shopify-Event-Id: $event_id" -H "X-Shopify-Webhook-Id: $event_id") ;;
  woocommerce) headers=(-H "X-WC-Webhook-Topic: $topic" -H "X-WC-Webhook-Signature: $signature"
                        -H "X-WC-Webhook-Resource: ${topic%%.*}" -H "X-WC-Webhook-Event: ${topic#*.}"
                        -H "X-WC-Webhook-Delivery-ID: $event_id") ;;
  *) echo "type must be shopify or woocommerce" >&2; exit 2 ;;
esac
curl -sS -w '  (HTTP %{http_code})\n' -X POST "$url/webhooks/shop/$channel" \
  -H 'Content-Type: application/json' "${headers[@]}" --data-binary @"$file"
