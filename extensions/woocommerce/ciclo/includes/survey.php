<?php
/**
 * The post-purchase survey on the order-received (thank-you) page: Ciclo's hosted survey page in an iframe,
 * opened with a signed per-order token. WooCommerce shows this page only with the order's key, and the URL
 * carries only ids (see tokens.php), no personal data.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'woocommerce_thankyou',
	function ( $order_id ) {
		if ( ! ciclo_is_connected() || ! $order_id ) {
			return;
		}
		$order = wc_get_order( $order_id );
		if ( ! $order || $order->has_status( array( 'failed', 'cancelled' ) ) ) {
			return;
		}
		$c     = ciclo_connection();
		$token = ciclo_survey_token( $c['store_id'], $order->get_id(), $c['secret'], time() );
		$src   = add_query_arg( 't', rawurlencode( $token ), ciclo_app_url() . '/survey/woo' );
		echo '<section class="ciclo-survey"><iframe title="' . esc_attr__( 'A quick question', 'ciclo' ) . '" src="' . esc_url( $src ) . '" style="width:100%;min-height:320px;border:0" loading="lazy" referrerpolicy="no-referrer"></iframe></section>';
	}
);
