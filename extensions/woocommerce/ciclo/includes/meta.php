<?php
/**
 * Ciclo writes segments as user meta under `_ciclo_` (hidden from custom-field UIs by the underscore).
 * WordPress treats `_` keys as protected, so WooCommerce's REST API would silently skip them on write and
 * hide them on read; this unprotects exactly those keys for users, nothing else.
 */

defined( 'ABSPATH' ) || exit;

add_filter(
	'is_protected_meta',
	function ( $protected, $meta_key, $meta_type ) {
		if ( 'user' === $meta_type && is_string( $meta_key ) && 0 === strpos( $meta_key, '_ciclo_' ) ) {
			return false;
		}
		return $protected;
	},
	10,
	3
);
