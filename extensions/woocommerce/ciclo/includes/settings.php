<?php
/**
 * WooCommerce > Ciclo settings: "Connect to Ciclo" sends the merchant to Ciclo, which starts WooCommerce's own
 * key exchange (/wc-auth/v1/authorize) and calls back the connection route. "Disconnect" forgets the secret.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'admin_menu',
	function () {
		add_submenu_page( 'woocommerce', __( 'Ciclo settings', 'ciclo' ), __( 'Ciclo settings', 'ciclo' ), 'manage_woocommerce', 'ciclo-settings', 'ciclo_render_settings' );
	}
);

function ciclo_render_settings() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		wp_die( esc_html__( 'You are not allowed to manage this store.', 'ciclo' ), 403 );
	}
	$connected = ciclo_is_connected();
	echo '<div class="wrap"><h1>' . esc_html__( 'Ciclo', 'ciclo' ) . '</h1>';
	if ( $connected ) {
		$c = ciclo_connection();
		/* translators: %s: Ciclo store id */
		echo '<p>' . esc_html( sprintf( __( 'Connected as store %s.', 'ciclo' ), $c['store_id'] ) ) . '</p>';
	} else {
		echo '<p>' . esc_html__( 'Connect this store so Ciclo can read orders and customers and write segments back.', 'ciclo' ) . '</p>';
	}
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
	wp_nonce_field( 'ciclo_connect' );
	echo '<input type="hidden" name="action" value="' . esc_attr( $connected ? 'ciclo_disconnect' : 'ciclo_connect' ) . '">';
	submit_button( $connected ? __( 'Disconnect', 'ciclo' ) : __( 'Connect to Ciclo', 'ciclo' ), $connected ? 'secondary' : 'primary' );
	echo '</form></div>';
}

add_action(
	'admin_post_ciclo_connect',
	function () {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage this store.', 'ciclo' ), 403 );
		}
		check_admin_referer( 'ciclo_connect' );
		$target = add_query_arg(
			array(
				'store_url'  => rawurlencode( home_url( '/' ) ),
				'return_url' => rawurlencode( admin_url( 'admin.php?page=ciclo-settings' ) ),
			),
			ciclo_app_url() . '/woo/connect'
		);
		wp_redirect( esc_url_raw( $target ) ); // phpcs:ignore WordPress.Security.SafeRedirect -- Ciclo's own host.
		exit;
	}
);

add_action(
	'admin_post_ciclo_disconnect',
	function () {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage this store.', 'ciclo' ), 403 );
		}
		check_admin_referer( 'ciclo_connect' );
		delete_option( 'ciclo_connection' );
		wp_safe_redirect( admin_url( 'admin.php?page=ciclo-settings' ) );
		exit;
	}
);
