<?php
/**
 * Short-lived signed tokens the plugin gives to Ciclo's pages. No personal data: ids, times and a nonce only.
 *
 *   embed:  "e1.<store_id>.<user_id>.<expires>.<nonce>.<sig>"   (admin iframe; expires in 120 s)
 *   survey: "s1.<store_id>.<order_id>.<expires>.<sig>"          (thank-you page; expires in 30 days)
 *
 * <sig> = base64url(HMAC-SHA256(<everything before ".<sig>">, per-store secret)), no padding. The secret is
 * issued by Ciclo when the store connects and never leaves the server. Ciclo rejects expired tokens and,
 * for embed tokens, nonces it has seen.
 */

defined( 'ABSPATH' ) || exit;

function ciclo_base64url( $bytes ) {
	return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
}

function ciclo_sign( $payload, $secret ) {
	return $payload . '.' . ciclo_base64url( hash_hmac( 'sha256', $payload, $secret, true ) );
}

function ciclo_embed_token( $store_id, $user_id, $secret, $now ) {
	$nonce = bin2hex( random_bytes( 16 ) );
	return ciclo_sign( 'e1.' . $store_id . '.' . (int) $user_id . '.' . ( (int) $now + 120 ) . '.' . $nonce, $secret );
}

function ciclo_survey_token( $store_id, $order_id, $secret, $now ) {
	return ciclo_sign( 's1.' . $store_id . '.' . (int) $order_id . '.' . ( (int) $now + 30 * DAY_IN_SECONDS ), $secret );
}
