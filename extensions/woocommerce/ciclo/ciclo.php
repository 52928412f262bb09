<?php
/**
 * Plugin Name:       Ciclo for WooCommerce
 * Description:       Connects the store to Ciclo (customer lifecycle, segments, post-purchase survey).
 * Version:           0.1.0
 * Requires at least: 6.2
 * Requires PHP:      7.4
 * Requires Plugins:  woocommerce
 * Author:            Ciclo
 * License:           GPL-2.0-or-later
 * Text Domain:       ciclo
 */

defined( 'ABSPATH' ) || exit;

define( 'CICLO_DEFAULT_APP_URL', 'https://app.ciclo.io' );

require_once __DIR__ . '/includes/tokens.php';
require_once __DIR__ . '/includes/connection.php';
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/embed.php';
require_once __DIR__ . '/includes/survey.php';
require_once __DIR__ . '/includes/meta.php';
