<?php
/** Removing the plugin forgets the connection; the `_ciclo_` customer meta stays with the customers. */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'ciclo_connection' );
