<?php
/** The Ciclo admin inside wp-admin: an iframe signed in with a short-lived embed token (see tokens.php). */

defined( 'ABSPATH' ) || exit;

add_action(
	'admin_menu',
	function () {
		add_menu_page( __( 'Ciclo', 'ciclo' ), __( 'Ciclo', 'ciclo' ), 'manage_woocommerce', 'ciclo', 'ciclo_render_embed', 'dashicons-chart-area', 56 );
	}
);

function ciclo_render_embed() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		wp_die( esc_html__( 'You are not allowed to manage this store.', 'ciclo' ), 403 );
	}
	if ( ! ciclo_is_connected() ) {
		echo '<div class="wrap"><p><a href="' . esc_url( admin_url( 'admin.php?page=ciclo-settings' ) ) . '">' . esc_html__( 'Connect this store to Ciclo first.', 'ciclo' ) . '</a></p></div>';
		return;
	}
	$c     = ciclo_connection();
	$token = ciclo_embed_token( $c['store_id'], get_current_user_id(), $c['secret'], time() );
	$src   = add_query_arg( 'token', rawurlencode( $token ), ciclo_app_url() . '/woo/embed' );
	echo '<div class="wrap"><iframe title="' . esc_attr__( 'Ciclo', 'ciclo' ) . '" src="' . esc_url( $src ) . '" style="width:100%;min-height:80vh;border:0" referrerpolicy="no-referrer"></iframe></div>';
}
