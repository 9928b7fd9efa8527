<?php
// hactl's holding page, served until the first baked image is rolled out.
// Any path that falls through to index.php shows it too; no-store, so no cache keeps it.
header('Cache-Control: no-store');
readfile(__DIR__ . '/index.html');
