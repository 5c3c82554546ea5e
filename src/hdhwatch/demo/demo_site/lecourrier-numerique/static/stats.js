/* mesure d'audience : désactivée sur le site de démonstration */
