<?php
/**
 * The connection Ciclo sets up. After the key exchange, Ciclo calls POST /wp-json/wc-ciclo/v1/connection with
 * the REST key it just received (WooCommerce authenticates `wc-*` namespaces with its keys) and sends the store
 * id, the per-store secret for tokens and its app URL. Only users who may manage WooCommerce can call it.
 */

defined( 'ABSPATH' ) || exit;

function ciclo_connection() {
	$connection = get_option( 'ciclo_connection', array() );
	return is_array( $connection ) ? $connection : array();
}

function ciclo_is_connected() {
	$c = ciclo_connection();
	return ! empty( $c['store_id'] ) && ! empty( $c['secret'] );
}

function ciclo_app_url() {
	$c = ciclo_connection();
	return ! empty( $c['app_url'] ) ? $c['app_url'] : CICLO_DEFAULT_APP_URL;
}

add_action(
	'rest_api_init',
	function () {
		register_rest_route(
			'wc-ciclo/v1',
			'/connection',
			array(
				'methods'             => 'POST',
				'permission_callback' => function () {
					return current_user_can( 'manage_woocommerce' );
				},
				'args'                => array(
					'store_id' => array(
						'type'     => 'string',
						'required' => true,
						'pattern'  => '^[A-Za-z0-9_-]{1,64}$',
					),
					'secret'   => array(
						'type'      => 'string',
						'required'  => true,
						'minLength' => 32,
					),
					'app_url'  => array(
						'type'     => 'string',
						'required' => true,
						'format'   => 'uri',
					),
				),
				'callback'            => function ( WP_REST_Request $request ) {
					$app_url = esc_url_raw( $request['app_url'], array( 'https', 'http' ) );
					if ( '' === $app_url ) {
						return new WP_Error( 'ciclo_bad_app_url', 'app_url must be an http(s) URL.', array( 'status' => 400 ) );
					}
					update_option(
						'ciclo_connection',
						array(
							'store_id' => sanitize_text_field( $request['store_id'] ),
							'secret'   => (string) $request['secret'],
							'app_url'  => untrailingslashit( $app_url ),
						),
						false
					);
					return array( 'connected' => true );
				},
			)
		);
	}
);
