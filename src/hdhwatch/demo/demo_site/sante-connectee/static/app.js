/* menus et bandeau publicitaire : inactifs en démonstration */
